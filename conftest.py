"""Root pytest configuration: only the CDK's standard-test hooks (pytest requires them at the root)."""

pytest_plugins = ["airbyte_cdk.test.standard_tests.pytest_hooks"]
