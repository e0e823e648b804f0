"""Account administration: roles and establishments granted, never beyond
the administrator's own scope, every change audited."""

import pytest

from caducee.core import roles
from caducee.core.models import AuditEvent, User

pytestmark = pytest.mark.django_db

PASSWORD = "Tres-long-mot-de-passe-42"


def form(**overrides):
    data = {
        "username": "bob",
        "first_name": "Bob",
        "last_name": "Leroy",
        "email": "bob@valmont.example",
        "is_active": "on",
        "language": "fr",
        "roles": [roles.DESK_AGENT],
        "password1": PASSWORD,
        "password2": PASSWORD,
    }
    data.update(overrides)
    return data


def test_administrator_creates_an_agent_with_role_and_establishment(client, ght, make_user):
    admin = make_user(roles.ADMINISTRATOR, whole_ght=True)
    client.force_login(admin)
    response = client.post("/core/users/add/", form(establishments=[ght.a.pk]))
    assert response.status_code == 302
    bob = User.objects.get(username="bob")
    assert bob.has_role(roles.DESK_AGENT)
    assert bob.check_password(PASSWORD)
    assert bob.establishment_ids() == {ght.a.pk}
    assert AuditEvent.objects.filter(
        object_type="core.user", object_id=str(bob.pk), event="user.roles_changed"
    ).exists()
    created = AuditEvent.objects.get(
        object_type="core.user", object_id=str(bob.pk), action="create"
    )
    assert created.changes["password"][1] == "********"


def test_weak_password_is_refused_next_to_the_field(client, ght, make_user):
    client.force_login(make_user(roles.ADMINISTRATOR, whole_ght=True))
    response = client.post("/core/users/add/", form(password1="court", password2="court"))
    assert response.status_code == 400
    assert b'id="id_password1_error"' in response.content
    assert not User.objects.filter(username="bob").exists()


def test_establishment_administrator_cannot_grant_another_establishment(client, ght, make_user):
    client.force_login(make_user(roles.ADMINISTRATOR, establishments=[ght.a]))
    response = client.post("/core/users/add/", form(establishments=[ght.b.pk]))
    assert response.status_code == 400  # B is not even a valid choice for them
    response = client.post("/core/users/add/", form(all_establishments="on"))
    assert response.status_code == 400
    assert b"whole GHT" in response.content or b"GHT" in response.content
    assert not User.objects.filter(username="bob").exists()


def test_establishment_administrator_sees_only_accounts_of_their_establishment(
    client, ght, make_user
):
    admin_a = make_user(roles.ADMINISTRATOR, establishments=[ght.a])
    agent_b = make_user(roles.DESK_AGENT, establishments=[ght.b], username="agent_b")
    client.force_login(admin_a)
    listing = client.get("/core/users/?q=agent_b")
    assert f'href="/core/users/{agent_b.pk}/"'.encode() not in listing.content
    assert b"0 r" in listing.content  # "0 result(s)" / "0 résultat"
    assert client.get(f"/core/users/{agent_b.pk}/").status_code == 404
    assert client.get(f"/core/users/{agent_b.pk}/edit/").status_code == 404


def test_deactivating_oneself_is_refused(client, ght, make_user):
    admin = make_user(roles.ADMINISTRATOR, whole_ght=True)
    client.force_login(admin)
    data = form(username=admin.username, password1="", password2="")
    data.pop("is_active")
    response = client.post(f"/core/users/{admin.pk}/edit/", data)
    assert response.status_code == 400
    admin.refresh_from_db()
    assert admin.is_active


def test_agent_cannot_manage_accounts(client, ght, make_user):
    client.force_login(make_user(roles.DESK_AGENT, establishments=[ght.a]))
    assert client.get("/core/users/add/").status_code == 403
    assert client.post("/core/users/add/", form()).status_code == 403
