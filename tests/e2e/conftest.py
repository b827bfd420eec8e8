from tests.web.conftest import adult, make_user  # noqa: F401 - the same users and people as the web tests
