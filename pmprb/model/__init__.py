"""The rule-set and answer models: rule sets and overlays, the rule set cache, answer files,
shared values, rule-set elements as text. Imports pmprb.base and pmprb.inputs."""
