"""The base layer: errors, messages and their language, the sanitisers of user text, exact
numbers as text, atomic files and limits. Imports nothing else from pmprb."""
