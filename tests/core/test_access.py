"""The one door: scope by area subtree and capability; outside scope is 404."""

import pytest

from tests.conftest import World
from treem.core.access import Cap, has_capability, scope_is_local, scope_paths, scoped
from treem.core.models import Agency, Area

pytestmark = pytest.mark.django_db


def test_commune_officer_scope_is_the_commune_and_its_predecessors(world: World) -> None:
    paths = scope_paths(world.officer, Cap.REGISTRY_VIEW)
    assert world.commune.path in paths
    assert world.legacy_commune.path in paths
    # The dissolved district fed both communes: it must not widen the scope.
    assert not any(p.startswith("/legacy-36/legacy-361/") and p.count("/") == 3 for p in paths)
    assert world.other_commune.path not in paths


def test_collaborator_sees_only_their_village(world: World) -> None:
    qs = scoped(Area.objects.all(), world.collaborator, Cap.REGISTRY_VIEW, field="")
    assert set(qs.values_list("key", flat=True)) == {world.village.key}
    assert not has_capability(world.collaborator, Cap.CASES_VIEW)
    assert has_capability(world.collaborator, Cap.CASES_INTAKE, world.village)


def test_other_commune_officer_cannot_reach_nghia_hung_agencies(world: World) -> None:
    mine = scoped(Agency.objects.all(), world.officer, Cap.AREAS_VIEW)
    theirs = scoped(Agency.objects.all(), world.other_officer, Cap.AREAS_VIEW)
    assert world.health_station in mine
    assert world.health_station not in theirs


def test_province_officer_reads_the_province_but_cannot_edit_registry(world: World) -> None:
    assert has_capability(world.province_officer, Cap.REGISTRY_VIEW, world.village)
    assert not has_capability(world.province_officer, Cap.REGISTRY_EDIT, world.village)
    assert has_capability(world.province_officer, Cap.REPORTS_APPROVE, world.commune)


def test_anonymous_has_no_scope(world: World) -> None:
    from django.contrib.auth.models import AnonymousUser

    assert scope_paths(AnonymousUser(), Cap.REGISTRY_VIEW) == []


def test_scope_is_local_for_commune_and_village_accounts_only(world: World) -> None:
    # a search within a commune reads all its matches; above it, bucket by bucket
    assert scope_is_local(world.officer, Cap.REGISTRY_VIEW)
    assert scope_is_local(world.collaborator, Cap.REGISTRY_VIEW)
    assert not scope_is_local(world.province_officer, Cap.REGISTRY_VIEW)
    assert not scope_is_local(world.admin, Cap.REGISTRY_VIEW)
    assert not scope_is_local(world.collaborator, Cap.CASES_VIEW)  # no such grant at all
