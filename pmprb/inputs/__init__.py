"""Reading inputs: YAML with locations, answer files (YAML or a workbook), the batch cache.
Imports only pmprb.base."""
