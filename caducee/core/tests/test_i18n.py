"""French first: the switch's choice, else the account's language, else
French — never the browser's Accept-Language; the catalogue is complete."""

import pytest
from django.conf import settings
from django.core.management import call_command

pytestmark = pytest.mark.django_db


@pytest.fixture
def french_client(client):
    client.cookies.pop(settings.LANGUAGE_COOKIE_NAME, None)
    return client


def test_interface_is_french_whatever_the_browser_says(french_client):
    response = french_client.get("/login/", headers={"accept-language": "en-US,en;q=0.9"})
    assert response["Content-Language"] == "fr"
    assert "Se connecter" in response.content.decode()


def test_account_language_applies_when_no_choice_was_made(french_client, make_user, ght):
    user = make_user("service_desk_agent", establishments=[ght.a])
    user.language = "en"
    user.save()
    french_client.force_login(user)
    response = french_client.get("/")
    assert response["Content-Language"] == "en"
    assert "Sign out" in response.content.decode()


def test_language_switch_wins(french_client, make_user, ght):
    french_client.force_login(make_user("service_desk_agent", establishments=[ght.a]))
    french_client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert french_client.get("/")["Content-Language"] == "en"
    french_client.post("/i18n/setlang/", {"language": "fr", "next": "/"})
    assert "Se déconnecter" in french_client.get("/").content.decode()


def test_french_catalogue_is_complete(capsys):
    call_command("translations", "check")
    assert "complete" in capsys.readouterr().out
