"""Registry pages: list with htmx search, new child (search before create), edit, child page,
duplicates and merge, data quality. Thin: selectors read, services write."""

from __future__ import annotations

import html
from collections.abc import Callable
from functools import lru_cache
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from treem.core.access import Cap, has_capability, scope_paths, scoped
from treem.core.current import current_area
from treem.core.errors import StaleVersion
from treem.core.forms import errors_to_form, typed_over
from treem.core.models import Area, AreaLevel
from treem.registry import exporting, forms, selectors, services
from treem.registry.models import (
    SPECIAL_GROUP_SHORT,
    SUBTYPES,
    AtRiskGroup,
    Child,
    ChildStatus,
    SpecialGroup,
)

PAGE_SIZE = 50


def _area(request: HttpRequest) -> Area:
    area = current_area(request)
    if area is None or not (
        has_capability(request.user, Cap.REGISTRY_VIEW, area)
        or selectors._sees_part_of(request.user, area)
    ):
        raise Http404
    return area


def _commune_of(area: Area) -> Area | None:
    if area.level == AreaLevel.VILLAGE:
        return area.parent
    if area.level == AreaLevel.COMMUNE:
        return area
    return None


def _village_choices(request: HttpRequest, area: Area) -> Any:
    """What the "Thôn" filter offers: the commune's villages; above a commune, its
    communes (the filter narrows by area path, so a commune works the same way)."""
    if area.level == AreaLevel.VILLAGE:
        return [area]
    if area.level == AreaLevel.COMMUNE:
        return selectors.villages_for(user=request.user, commune=area)
    communes = Area.objects.filter(
        path__startswith=area.path, level=AreaLevel.COMMUNE, valid_to__isnull=True
    ).only("id", "key", "name")  # what the filter and the rows' names read
    return scoped(communes, request.user, Cap.REGISTRY_VIEW, field="").order_by("name")


def _creatable_areas(request: HttpRequest, area: Area) -> Any:
    """Villages (and the commune itself) where the user may register a child."""
    commune = _commune_of(area)
    if commune is None:
        return Area.objects.none()
    candidates = Area.objects.filter(
        path__startswith=commune.path, level__in=[AreaLevel.COMMUNE, AreaLevel.VILLAGE]
    ).filter(valid_to__isnull=True)
    return scoped(candidates, request.user, Cap.REGISTRY_CREATE, field="").order_by("level", "code")


# An option as (value, escaped value, escaped label), or an option group as (None, escaped
# group label, its options).
_Option = tuple[str | None, str, Any]


def _option_items(choices: Any) -> tuple[_Option, ...]:
    items: list[_Option] = []
    for key, label in choices:
        if isinstance(label, list | tuple):
            items.append((None, escape(key), _option_items(label)))
        else:
            items.append((str(key), escape(str(key)), escape(str(label))))
    return tuple(items)


@lru_cache(maxsize=64)
def _fixed_options(field: str, language: str) -> tuple[_Option, ...]:
    """The options of a filter whose choices are fixed (not the village), translated and
    escaped once per language rather than on every list page."""
    return _option_items(forms.ChildFilterForm.base_fields[field].choices)  # type: ignore[attr-defined]


def _select(bound: Any, *, fixed: bool = False) -> SafeString:
    """A filter <select> as Django's Select widget writes it, without the per-option
    template renders (the list page has seven of them): each label escaped once; with
    `fixed`, the choices are the form class's own (`_fixed_options`)."""
    value = bound.value()
    current = "" if value is None else str(value)

    def options(items: tuple[_Option, ...]) -> str:
        parts = []
        for key, key_html, label in items:
            if key is None:
                parts.append(f'<optgroup label="{key_html}">{options(label)}</optgroup>')
            else:
                selected = " selected" if key == current else ""
                parts.append(f'<option value="{key_html}"{selected}>{label}</option>')
        return "".join(parts)

    items = (
        _fixed_options(bound.name, get_language() or "")
        if fixed
        else _option_items(bound.field.choices)
    )
    return mark_safe(  # noqa: S308  (names, values and labels escaped above)
        f'<select name="{escape(bound.html_name)}" id="{escape(bound.auto_id)}">'
        f"{options(items)}</select>"
    )


def _labels(choices: Any) -> dict[str, str]:
    """{value: escaped label} in the interface language, for markup built by hand."""
    return {str(value): escape(str(label)) for value, label in dict(choices).items()}


@lru_cache(maxsize=16)
def _row_labels(language: str) -> dict[str, dict[str, str]]:
    """The labels a list row shows (sex, status, special and at-risk groups), escaped,
    once per language."""
    return {
        "sex": _labels(Child._meta.get_field("sex").flatchoices),
        "status": _labels(Child._meta.get_field("status").flatchoices),
        "special": _labels(SpecialGroup.choices),
        "short": _labels(SPECIAL_GROUP_SHORT),
        "at_risk": _labels(AtRiskGroup.choices),
    }


def _result_rows(
    children: Any,
    *,
    areas: dict[int, str],
    ethnicities: dict[int, str],
    with_commune: bool = False,
    carers: dict[int, Any] | None = None,
) -> SafeString:
    """The rows of the child list, written in Python: the same markup the template loop
    wrote, at a fraction of the cost of 50 rows of template tags. Labels are turned into
    escaped text once per page; each cell is escaped once (`html.escape`)."""
    marker = 987654321
    detail = reverse("registry:child_detail", args=[marker]).replace(str(marker), "{}")
    labels = _row_labels(get_language() or "")
    sexes, statuses = labels["sex"], labels["status"]
    special, short, at_risk = labels["special"], labels["short"], labels["at_risk"]
    # (gettext outside the f-strings: makemessages does not read inside them)
    unknown_village, wrong_word = _("chưa rõ thôn"), _("sai")
    # a search row found by a caregiver's name says whose (`selectors.caregiver_matches`)
    found_by = _("Tìm thấy qua người chăm sóc")
    carers = carers or {}
    no_village = f'<span class="muted">{escape(unknown_village)}</span>'
    risk_word = escape(_("nguy cơ"))
    wrong = f' <span class="badge danger">{escape(wrong_word)}</span>'
    dash = '<span class="muted">—</span>'
    esc = html.escape  # the text of a cell (Django's escape adds a lazy-text check per call)
    rows = []
    for c in children:
        status = (
            f' <span class="badge">{statuses.get(c.status) or esc(c.status)}</span>'
            if c.status != "active"
            else ""
        )
        badges = []
        for kind, slug in selectors.ongoing_groups(c):
            group = esc(slug)
            if kind == "special":
                badges.append(
                    f'<span class="badge warn" title="{special.get(slug, group)}">'
                    f"{short.get(slug, group)}</span> "
                )
            else:
                title = at_risk.get(slug, group) if kind == "at_risk" else group
                badges.append(f'<span class="badge " title="{title}">{risk_word}</span> ')
        if c.id_number:
            id_cell = esc(c.id_number) + (wrong if c.id_number_valid is False else "")
        else:
            id_cell = dash
        place = esc(areas.get(c.area_id, "")) if c.area_id != c.commune_id else no_village
        if with_commune:
            place = f'{place} <small class="muted">· {esc(c.commune.full_name)}</small>'
        carer = carers.get(c.pk)
        if carer is not None:
            status += (
                f'<br><small class="muted">{esc(found_by)}: {esc(carer.full_name)} '
                f"({esc(carer.get_relation_display().lower())})</small>"
            )
        rows.append(
            f'<tr>\n  <td><a href="{detail.format(c.pk)}">{esc(c.full_name or "—")}</a>'
            f"{status}</td>\n  <td>{esc(c.birth_date_display() or '—')}</td>\n"
            f"  <td>{sexes.get(c.sex) or esc(c.sex or '—')}</td>\n  <td>{place}</td>\n"
            f"  <td>{esc(ethnicities.get(c.ethnicity_id) or '—')}"
            f"</td>\n  <td>{''.join(badges)}</td>\n  <td>{id_cell}</td>\n</tr>"
        )
    if not rows:
        return format_html(
            '<tr><td colspan="7" class="muted">{}</td></tr>', _("Không có trẻ nào phù hợp.")
        )
    return mark_safe("".join(rows))  # noqa: S308  (every value above is escaped)


def filtered_children(
    request: HttpRequest, area: Area
) -> tuple[Any, QuerySet[Child], selectors.ChildFilters]:
    """The filter bar's form, the children its filters select in `area` (the list page
    and its Excel export read the same) and the filters. An invalid value in the query
    string (a village of another commune, say) is shown on the form and selects nothing."""
    form = forms.ChildFilterForm(request.GET or None, villages=_village_choices(request, area))
    if area.level < AreaLevel.COMMUNE:
        form.fields["village"].label = _("Xã, phường")
    refused = form.is_bound and not form.is_valid()
    data = form.cleaned_data if form.is_bound and not refused else {}
    filters = selectors.ChildFilters(
        q=data.get("q", ""),
        village=data.get("village", ""),
        sex=data.get("sex", ""),
        age_group=data.get("age_group", ""),
        group=data.get("group", ""),
        schooling=data.get("schooling", ""),
        poverty=data.get("poverty", ""),
        status=data.get("status") or "active",
    )
    qs = selectors.child_list(user=request.user, filters=filters)
    if refused:
        qs = qs.none()
    if not filters.village:
        # the area in focus, unless the user's whole scope lies in it already (a
        # commune officer in her commune): the same rows, one condition less
        scope = scope_paths(request.user, Cap.REGISTRY_VIEW)
        if scope is None or not scope or any(not p.startswith(area.path) for p in scope):
            qs = qs.filter(area_path__startswith=area.path)
    return form, qs, filters


@login_required
def child_list(request: HttpRequest) -> HttpResponse:
    area = _area(request)
    form, qs, filters = filtered_children(request, area)
    # above a commune the village alone is ambiguous: the row names the commune too
    with_commune = area.level < AreaLevel.COMMUNE
    page = selectors.child_list_page(
        qs, filters, request.GET.get("page"), PAGE_SIZE, with_commune=with_commune
    )
    children = list(page)
    rows = _result_rows(
        children,
        areas=selectors.area_names({c.area_id for c in children}, known=form.villages),
        ethnicities=selectors.ethnicity_names({c.ethnicity_id for c in children if c.ethnicity_id}),
        with_commune=with_commune,
        carers=selectors.caregiver_matches(filters.q, children),
    )
    # Registering and importing happen in a commune: above one (a province in focus)
    # the buttons would lead to a 404, so they are not shown.
    in_commune = _commune_of(area) is not None
    is_officer = has_capability(request.user, Cap.REGISTRY_EDIT)
    context = {
        "area": area,
        "form": form,
        "page": page,
        "can_create": in_commune and has_capability(request.user, Cap.REGISTRY_CREATE),
        "is_officer": is_officer,
        "export_url": reverse("registry:export"),
        # an export of more rows would be refused (`exporting.EXPORT_MAX_ROWS`): said here
        "too_many_to_export": page.paginator.count > exporting.EXPORT_MAX_ROWS,
        # Only those who may import see the button (the import page answers 404 to others).
        "import_url": reverse("registry:import") if is_officer and in_commune else "",
        "query_string": request.GET.urlencode(),
        "rows": rows,
        "with_commune": with_commune,
    }
    htmx = request.headers.get("HX-Request") and request.headers.get("HX-Target") == "child-results"
    if not htmx:
        context["selects"] = {"village": _select(form["village"])} | {
            name: _select(form[name], fixed=True)
            for name in ("sex", "age_group", "group", "schooling", "poverty", "status")
        }
    if htmx:
        return render(request, "registry/_child_results.html", context)
    return render(request, "registry/child_list.html", context)


@login_required
def child_similar(request: HttpRequest) -> HttpResponse:
    """Search-before-create: probable matches for the name (and birth date) being typed."""
    if not has_capability(request.user, Cap.REGISTRY_VIEW):
        raise Http404
    name = request.GET.get("full_name", "")
    birth = None
    raw_date = request.GET.get("birth_date", "")
    if raw_date:
        try:
            typed = forms.BirthDateField(required=False).clean(raw_date)
        except ValidationError:
            typed = None
        birth = typed[0] if typed else None  # the year is what the search compares
    matches = selectors.similar_children(user=request.user, full_name=name, birth_date=birth)
    return render(request, "registry/_similar.html", {"matches": matches, "name": name})


@login_required
def child_create(request: HttpRequest) -> HttpResponse:
    area = _area(request)
    areas = _creatable_areas(request, area)
    if not areas.exists():
        raise Http404
    form = forms.ChildCreateForm(request.POST or None, areas=areas)
    matches: list[Child] = []
    if request.method == "POST" and form.is_valid():
        matches = selectors.similar_children(
            user=request.user,
            full_name=form.cleaned_data["full_name"],
            birth_date=form.cleaned_data.get("birth_date"),
        )
        if matches and not form.cleaned_data.get("confirm_not_duplicate"):
            form.add_error(
                "confirm_not_duplicate",
                _(
                    "Đã có %(n)d trẻ trùng tên và năm sinh. Hãy kiểm tra danh sách bên dưới; "
                    "nếu đúng là trẻ mới, đánh dấu ô xác nhận rồi lưu lại."
                )
                % {"n": len(matches)},
            )
        else:
            fields = form.service_fields()
            try:
                child = services.child_create(
                    actor=request.user,
                    caregivers=form.caregivers(),
                    **fields,
                )
            except PermissionDenied as exc:
                raise Http404 from exc
            except ValidationError as exc:
                errors_to_form(form, exc)
            else:
                messages.success(request, _("Đã đăng ký trẻ %(name)s.") % {"name": child.full_name})
                return redirect("registry:child_detail", pk=child.pk)
    return render(
        request, "registry/child_form.html", {"form": form, "creating": True, "matches": matches}
    )


def _initial(child: Child) -> dict[str, Any]:
    return {name: getattr(child, name) for name in forms.CHILD_FIELDS} | {"version": child.version}


@login_required
def child_edit(request: HttpRequest, pk: int) -> HttpResponse:
    child = selectors.child_get(user=request.user, pk=pk)
    if not services.can_edit(request.user, child) or child.merged_into_id:
        raise Http404
    areas: Any = Area.objects.filter(
        path__startswith=child.commune.path, level__in=[AreaLevel.COMMUNE, AreaLevel.VILLAGE]
    ).order_by("level", "code")
    if not has_capability(request.user, Cap.REGISTRY_EDIT, child.area):
        areas = scoped(areas, request.user, Cap.REGISTRY_CREATE, field="")
    form = forms.ChildEditForm(request.POST or None, areas=areas, initial=_initial(child))
    saved_meanwhile: list[tuple[Any, str]] = []  # what someone else saved: (label, value)
    if request.method == "POST" and form.is_valid():
        try:
            services.child_update(
                actor=request.user,
                child=child,
                version=form.cleaned_data["version"],
                **form.service_fields(),
            )
        except PermissionDenied as exc:
            raise Http404 from exc
        except StaleVersion:
            # as a report's narrative: the typed values stay, the other person's are
            # shown where they differ, and the next save goes over theirs knowingly
            child = selectors.child_get(user=request.user, pk=pk)
            form = forms.ChildEditForm(
                typed_over(request.POST, child.version), areas=areas, initial=_initial(child)
            )
            form.is_valid()
            saved_meanwhile = form.differences_from(child)
            form.add_error(
                None,
                _(
                    "Hồ sơ vừa được người khác sửa và lưu. Những ô bạn nhập khác với bản của "
                    "họ được liệt kê ở trên; nội dung bạn nhập vẫn giữ trong các ô. Xem lại "
                    "rồi bấm Lưu để lưu đè lên bản của họ."
                ),
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Đã lưu thay đổi."))
            return redirect("registry:child_detail", pk=child.pk)
    return render(
        request,
        "registry/child_form.html",
        {"form": form, "creating": False, "child": child, "saved_meanwhile": saved_meanwhile},
        status=409 if saved_meanwhile else 200,
    )


@login_required
def child_detail(request: HttpRequest, pk: int) -> HttpResponse:
    data = selectors.child_detail(user=request.user, pk=pk)
    child = data["child"]
    can_edit = services.can_edit(request.user, child) and not child.merged_into_id
    context = {
        **data,
        "can_edit": can_edit,
        "is_officer": has_capability(request.user, Cap.REGISTRY_EDIT, child.area),
        "caregiver_form": forms.CaregiverForm(),
        "circumstance_form": forms.CircumstanceForm(),
        "support_form": forms.SupportForm(),
        "died_form": forms.DiedForm(),
        "subtypes": SUBTYPES,
        "statuses": ChildStatus,
        "case_slot": _case_slot(request, child),
    }
    return render(request, "registry/child_detail.html", context)


def _case_slot(request: HttpRequest, child: Child) -> Any:
    """The child's cases, only for those who may read them (see cases.rules)."""
    from treem.cases.selectors import child_cases

    return child_cases(user=request.user, child=child)


def _child_for_write(request: HttpRequest, pk: int) -> Child:
    child = selectors.child_get(user=request.user, pk=pk)
    if not services.can_edit(request.user, child):
        raise Http404
    return child


def _form_error_message(form: Any) -> str:
    parts = []
    for field, errs in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        parts.append(f"{label}: {' '.join(errs)}" if label else " ".join(errs))
    return "; ".join(parts)


def _run(request: HttpRequest, child: Child, form: Any, action: Any, ok: str) -> HttpResponse:
    if not form.is_valid():
        messages.error(request, _form_error_message(form))
    else:
        try:
            action(form.cleaned_data)
        except PermissionDenied as exc:
            raise Http404 from exc
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                msgs = [
                    f"{form.fields[f].label if f in form.fields else f}: {e.messages[0]}"
                    for f, errs in exc.error_dict.items()
                    for e in errs
                ]
            else:
                msgs = exc.messages
            messages.error(request, "; ".join(str(m) for m in msgs))
        else:
            messages.success(request, ok)
    return redirect("registry:child_detail", pk=child.pk)


@login_required
@require_POST
def caregiver_add(request: HttpRequest, pk: int) -> HttpResponse:
    child = _child_for_write(request, pk)
    form = forms.CaregiverForm(request.POST)
    return _run(
        request,
        child,
        form,
        lambda d: services.caregiver_add(actor=request.user, child=child, **d),
        _("Đã thêm người chăm sóc."),
    )


@login_required
@require_POST
def caregiver_remove(request: HttpRequest, pk: int, caregiver_pk: int) -> HttpResponse:
    child = _child_for_write(request, pk)
    caregiver = selectors.caregiver_get(user=request.user, pk=caregiver_pk)
    if caregiver.child_id != child.pk:
        raise Http404
    services.caregiver_remove(actor=request.user, caregiver=caregiver)
    messages.success(request, _("Đã bỏ người chăm sóc khỏi hồ sơ."))
    return redirect("registry:child_detail", pk=child.pk)


@login_required
@require_POST
def circumstance_add(request: HttpRequest, pk: int) -> HttpResponse:
    child = _child_for_write(request, pk)
    form = forms.CircumstanceForm(request.POST)
    return _run(
        request,
        child,
        form,
        lambda d: services.circumstance_add(actor=request.user, child=child, **d),
        _("Đã ghi nhận hoàn cảnh."),
    )


@login_required
@require_POST
def circumstance_end(request: HttpRequest, pk: int, circ_pk: int) -> HttpResponse:
    child = _child_for_write(request, pk)
    circ = selectors.circumstance_get(user=request.user, pk=circ_pk)
    if circ.child_id != child.pk:
        raise Http404
    form = forms.CircumstanceEndForm(request.POST)
    return _run(
        request,
        child,
        form,
        lambda d: services.circumstance_end(
            actor=request.user, circumstance=circ, end_date=d["end_date"]
        ),
        _("Đã ghi nhận ngày kết thúc."),
    )


@login_required
@require_POST
def support_add(request: HttpRequest, pk: int) -> HttpResponse:
    child = _child_for_write(request, pk)
    form = forms.SupportForm(request.POST)
    return _run(
        request,
        child,
        form,
        lambda d: services.support_add(actor=request.user, child=child, **d),
        _("Đã ghi nhận trợ giúp."),
    )


@login_required
@require_POST
def child_died(request: HttpRequest, pk: int) -> HttpResponse:
    child = _child_for_write(request, pk)
    form = forms.DiedForm(request.POST)
    return _run(
        request,
        child,
        form,
        lambda d: services.child_mark_died(
            actor=request.user, child=child, date=d["date"], cause=d["cause"]
        ),
        _("Đã ghi nhận trẻ đã chết."),
    )


def _move_targets(child: Child) -> Any:
    """The communes a move form offers: the others of the child's province, by name."""
    return (
        Area.objects.filter(
            level=AreaLevel.COMMUNE, valid_to__isnull=True, province_code=child.province_code
        )
        .exclude(pk=child.commune_id)
        .only("id", "full_name")
    )


@login_required
def child_move(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the move form (the child page loads it when its section is opened: listing
    a province's communes cost every view of a child page ~8 ms for a rare action);
    POST: the move."""
    child = _child_for_write(request, pk)
    if request.method != "POST":
        if child.status != ChildStatus.ACTIVE or child.merged_into_id:
            raise Http404
        context = {"child": child, "move_form": forms.MoveForm(communes=_move_targets(child))}
        partial = bool(request.headers.get("HX-Request"))
        template = "registry/_move_form.html" if partial else "registry/child_move.html"
        return render(request, template, context)
    communes = Area.objects.filter(level=AreaLevel.COMMUNE, valid_to__isnull=True)
    form = forms.MoveForm(request.POST, communes=communes)
    response = _run(
        request,
        child,
        form,
        lambda d: services.child_move(
            actor=request.user,
            child=child,
            to_commune=d["to_commune"],
            date=d["date"],
            note=d["note"],
        ),
        _("Đã chuyển hồ sơ trẻ."),
    )
    # After a move to another commune the sender no longer sees the child.
    if not selectors.children_in_scope(user=request.user).filter(pk=child.pk).exists():
        return redirect("registry:child_list")
    return response


@login_required
@require_POST
def child_archive(request: HttpRequest, pk: int) -> HttpResponse:
    child = _child_for_write(request, pk)
    try:
        if child.status == ChildStatus.ACTIVE:
            services.child_archive(actor=request.user, child=child)
            messages.success(request, _("Đã lưu trữ hồ sơ."))
        else:
            services.child_reactivate(actor=request.user, child=child)
            messages.success(request, _("Hồ sơ được theo dõi trở lại."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("registry:child_detail", pk=child.pk)


# --------------------------------------------------------------------------- duplicates


@login_required
def duplicates(request: HttpRequest) -> HttpResponse:
    area = _area(request)
    if not has_capability(request.user, Cap.REGISTRY_EDIT):
        raise Http404
    groups = selectors.probable_duplicates(user=request.user, area=area)
    history = selectors.merge_history(user=request.user, area=area)
    distinct = selectors.distinct_decisions(user=request.user, area=area)
    return render(
        request,
        "registry/duplicates.html",
        {"area": area, "groups": groups, "history": history, "distinct": distinct},
    )


def _review_step(request: HttpRequest, step: Callable[[], Any]) -> bool:
    """Run one step of the duplicates review (a service call): a record outside the
    user's rights is a 404; a refusal is said on the review page (False)."""
    try:
        step()
    except PermissionDenied as exc:
        raise Http404 from exc
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return False
    return True


@login_required
@require_POST
def merge(request: HttpRequest) -> HttpResponse:
    try:
        survivor = selectors.child_get(user=request.user, pk=int(request.POST.get("survivor", "")))
        duplicate = selectors.child_get(
            user=request.user, pk=int(request.POST.get("duplicate", ""))
        )
    except ValueError as exc:
        raise Http404 from exc
    if not _review_step(
        request,
        lambda: services.children_merge(actor=request.user, survivor=survivor, duplicate=duplicate),
    ):
        return redirect("registry:duplicates")
    messages.success(
        request,
        _("Đã gộp hồ sơ #%(dup)s vào hồ sơ #%(keep)s.")
        % {"dup": duplicate.pk, "keep": survivor.pk},
    )
    return redirect("registry:child_detail", pk=survivor.pk)


@login_required
@require_POST
def unmerge(request: HttpRequest, log_pk: int) -> HttpResponse:
    log = selectors.merge_log_get(user=request.user, pk=log_pk)
    restored: list[Child] = []
    if not _review_step(
        request, lambda: restored.append(services.children_unmerge(actor=request.user, log=log))
    ):
        return redirect("registry:duplicates")
    messages.success(request, _("Đã hoàn tác lần gộp hồ sơ."))
    return redirect("registry:child_detail", pk=restored[0].pk)


@login_required
@require_POST
def mark_distinct(request: HttpRequest) -> HttpResponse:
    """The records of a probable-duplicate group are different children."""
    try:
        children = [
            selectors.child_get(user=request.user, pk=int(pk))
            for pk in request.POST.getlist("child")
        ]
    except ValueError as exc:
        raise Http404 from exc
    if _review_step(
        request, lambda: services.children_mark_distinct(actor=request.user, children=children)
    ):
        messages.success(
            request,
            _("Đã ghi nhận: %(ids)s là các trẻ khác nhau.")
            % {"ids": ", ".join(f"#{c.pk}" for c in children)},
        )
    return redirect("registry:duplicates")


@login_required
@require_POST
def unmark_distinct(request: HttpRequest, pk: int) -> HttpResponse:
    pair = selectors.distinct_decision_get(user=request.user, pk=pk)
    if _review_step(
        request, lambda: services.children_unmark_distinct(actor=request.user, pair=pair)
    ):
        messages.success(request, _("Đã hoàn tác: hai hồ sơ lại được xem là có thể trùng."))
    return redirect("registry:duplicates")


# --------------------------------------------------------------------------- data quality


def quality_place(request: HttpRequest) -> dict[str, int]:
    """The village or commune a data-quality listing (and its export) is narrowed to."""
    return {
        key: int(v) for key in ("village", "commune") if (v := request.GET.get(key, "")).isdigit()
    }


@login_required
def data_quality(request: HttpRequest) -> HttpResponse:
    area = _area(request)
    summary = selectors.data_quality_summary(user=request.user, area=area)
    problem = request.GET.get("problem", "")
    place = quality_place(request)
    listing = None
    if problem:
        qs = selectors.data_quality_list(user=request.user, problem=problem, area=area, **place)
        listing = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    labels = dict(selectors.QUALITY_LABELS)
    keys = summary["keys"]
    by = summary["by"]

    def cells(counts: dict[str, int], where: str) -> list[tuple[int, str]]:
        """(count, the link to its children) of each problem, in the columns' order."""
        return [(counts[key], f"?problem={key}{where}" if counts[key] else "") for key in keys]

    rows = [
        {
            "name": r["name"],
            "known": r["village"] or by == "commune",
            "total": r["total"],
            "cells": cells(r, f"&{by}={r['area_id']}"),
        }
        for r in summary["rows"]
    ]
    return render(
        request,
        "registry/data_quality.html",
        {
            "area": area,
            "by": by,
            "headers": [labels[key] for key in keys],
            "rows": rows,
            "total": summary["totals"]["total"],
            "total_cells": cells(summary["totals"], ""),
            "problem": problem,
            "problem_label": labels.get(problem, ""),
            # the village or commune the listing is narrowed to, by name
            "place": next(
                (r["name"] for r in summary["rows"] if place.get(by) == r["area_id"]), ""
            ),
            "page": listing,
            # the export writes what the page lists: one problem of one village or
            # commune when a count was chosen, else every problem of the area
            "export_url": reverse("registry:export_quality")
            + ("?" + urlencode({"problem": problem, **place}) if problem in labels else ""),
        },
    )
