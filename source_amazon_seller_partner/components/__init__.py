"""Custom components: only the behaviour the declarative CDK cannot express (see each module's docstring)."""
