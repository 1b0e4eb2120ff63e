"""The recognitions tests use the assessments fixtures (a dossier needs a framework, units, users), and
load the recognition conditions with the workflows."""

import pytest

from chungsuc.assessments.tests.conftest import *  # noqa: F401,F403


@pytest.fixture
def workflows(an_giang):
    from chungsuc.assessments import builtin
    from chungsuc.recognitions import builtin as recognitions_builtin

    builtin._load_workflows()
    recognitions_builtin._load_conditions()
