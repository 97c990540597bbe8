"""The engine and its analyses: scoring, explain, plan, diffs, trends, batch, validate, rule-
set checks and diffs, the review basis. Imports the layers below it, never the renderers
(pmprb.report) or the command line."""
