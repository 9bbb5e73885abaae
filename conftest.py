"""Root pytest configuration: the CDK's standard-test hooks and the generated acceptance configs."""

from integration_tests.acceptance_configs import write_acceptance_configs

pytest_plugins = ["airbyte_cdk.test.standard_tests.pytest_hooks"]


def pytest_configure(config):
    # The acceptance scenarios point at files that must exist when tests are collected; their dates
    # are relative to today, so they are written fresh for every run (git ignores them).
    write_acceptance_configs()
