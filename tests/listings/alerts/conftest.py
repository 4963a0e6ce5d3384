import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _clear_cache():
    """Sign-up limits count attempts in the cache: every test starts from none."""
    cache.clear()
    yield
    cache.clear()
