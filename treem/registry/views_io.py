"""Import and export pages of the registry. Thin: the import service and the export
builders do the work; this module keeps the upload between preview and commit.

An import is a "job": the uploaded file and a small JSON state in a private folder
(never under MEDIA_ROOT, so never served), owned by the user who uploaded it. Small
files are checked at once; large ones in a background thread while the page polls a
progress bar with htmx. The service itself stays synchronous.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from treem.core.access import Cap, has_capability
from treem.core.current import current_area, working_commune
from treem.core.i18n import in_record_language, record_language
from treem.core.models import Area, AreaLevel
from treem.registry import exporting, selectors
from treem.registry.importing import MODES, children_import
from treem.registry.importing.errorbook import error_workbook
from treem.registry.importing.reading import CSV_SUFFIXES, WORKBOOK_SUFFIXES

MAX_PREVIEW_ERRORS = 500


def _jobs_dir() -> Path:
    base = Path(getattr(settings, "TREEM_IMPORT_DIR", settings.BASE_DIR / "var" / "imports"))
    base.mkdir(parents=True, exist_ok=True)
    return base


JOB_TTL = dt.timedelta(days=1)


def _purge_old_jobs() -> None:
    """Uploads hold children's personal data: keep them a day, no longer."""
    import shutil

    cutoff = dt.datetime.now().timestamp() - JOB_TTL.total_seconds()
    for path in _jobs_dir().iterdir():
        try:
            if path.is_dir() and path.stat().st_mtime < cutoff:
                shutil.rmtree(path, ignore_errors=True)
        except OSError:
            continue


def _sync_limit() -> int:
    return int(getattr(settings, "TREEM_IMPORT_SYNC_BYTES", 300_000))


def _xlsx(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=exporting.XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


# --------------------------------------------------------------------------- jobs


class Job:
    def __init__(self, job_id: str) -> None:
        if not job_id.isalnum():
            raise Http404
        self.dir = _jobs_dir() / job_id
        self.id = job_id

    @property
    def state_path(self) -> Path:
        return self.dir / "state.json"

    def load(self) -> dict[str, Any]:
        try:
            return dict(json.loads(self.state_path.read_text("utf-8")))
        except (FileNotFoundError, ValueError) as exc:
            raise Http404 from exc

    def save(self, **changes: Any) -> dict[str, Any]:
        state = self.load() if self.state_path.exists() else {}
        state.update(changes)
        tmp = self.dir / "state.tmp"
        tmp.write_text(json.dumps(state, ensure_ascii=False, default=str), "utf-8")
        tmp.replace(self.state_path)
        return state

    @property
    def upload(self) -> Path:
        return self.dir / "upload"

    @property
    def errors_path(self) -> Path:
        return self.dir / "errors.xlsx"


def _job_for(request: HttpRequest, job_id: str) -> tuple[Job, dict[str, Any], Area]:
    """The job, only for the user who uploaded it and while they may still edit there."""
    job = Job(job_id)
    state = job.load()
    commune = Area.objects.filter(pk=int(state.get("commune_id") or 0)).first()
    if (
        state.get("user_id") != request.user.pk
        or commune is None
        or not has_capability(request.user, Cap.REGISTRY_EDIT, commune)
    ):
        raise Http404
    return job, state, commune


def _run(job: Job, *, user: Any, commune: Area, dry_run: bool) -> None:
    state = job.load()

    def progress(done: int, total: int, phase: str) -> None:
        job.save(done=done, total=total, phase=phase)

    try:
        result = children_import(
            actor=user,
            commune=commune,
            file=job.upload,
            file_name=state["file_name"],
            mode=state["mode"],
            dry_run=dry_run,
            progress=progress,
        )
    except (PermissionDenied, ValidationError) as exc:
        job.save(status="failed", message=" ".join(getattr(exc, "messages", [str(exc)])))
        return
    if result.failed:
        job.save(phase="errors", done=0, total=0)  # (thousands of rows to fix: seconds)
        with record_language():
            job.errors_path.write_bytes(error_workbook(result))
    data = result.as_json()
    data["errors"] = data["errors"][:MAX_PREVIEW_ERRORS]
    job.save(
        status="done",
        stage="committed" if result.committed else ("checked" if dry_run else "refused"),
        result=data,
        error_count=len(result.errors),
        error_rows=result.error_rows,
        skipped=result.skipped,
        writable=result.writable,
        ignored_columns=result.ignored_columns,
        has_error_book=bool(result.failed),
        finished=dt.datetime.now().isoformat(),
    )


def _start(job: Job, *, user: Any, commune: Area, dry_run: bool) -> None:
    job.save(status="running", done=0, total=0, phase="validate", dry_run=dry_run)
    if job.upload.stat().st_size <= _sync_limit():
        _run(job, user=user, commune=commune, dry_run=dry_run)
        return

    language = translation.get_language()  # the reader's: a new thread has none

    def target() -> None:
        try:
            with translation.override(language):  # its messages, as a small file's
                _run(job, user=user, commune=commune, dry_run=dry_run)
        except Exception as exc:  # the page must not poll forever
            job.save(status="failed", message=str(exc))
            raise
        finally:
            connection.close()

    threading.Thread(target=target, daemon=True).start()


def _import_commune(request: HttpRequest) -> Area:
    commune = working_commune(request)
    if commune is None or not has_capability(request.user, Cap.REGISTRY_EDIT, commune):
        raise Http404
    return commune


@login_required
def import_start(request: HttpRequest) -> HttpResponse:
    commune = _import_commune(request)
    error = ""
    if request.method == "POST":
        upload = request.FILES.get("file")
        mode = request.POST.get("mode", "all_or_nothing")
        original = (upload.name or "") if upload else ""
        suffix = Path(original).suffix.lower()
        if upload is None:
            error = _("Hãy chọn tệp Excel hoặc CSV.")
        elif suffix not in WORKBOOK_SUFFIXES | CSV_SUFFIXES:
            error = _("Chỉ nhận tệp .xlsx, .xls, .ods hoặc .csv.")
        elif mode not in MODES:
            error = _("Chế độ nhập không hợp lệ.")
        else:
            _purge_old_jobs()
            job = Job(uuid.uuid4().hex)
            job.dir.mkdir(parents=True)
            with job.upload.open("wb") as out:
                for chunk in upload.chunks():
                    out.write(chunk)
            job.save(
                user_id=request.user.pk,
                commune_id=commune.pk,
                file_name=get_valid_filename(original) or "tep",
                mode=mode,
                created=dt.datetime.now().isoformat(),
            )
            _start(job, user=request.user, commune=commune, dry_run=True)
            return redirect("registry:import_job", job_id=job.id)
    return render(
        request,
        "registry/io/import.html",
        {"commune": commune, "error": error, "modes": MODES},
        status=400 if error else 200,
    )


@login_required
def import_job(request: HttpRequest, job_id: str) -> HttpResponse:
    job, state, commune = _job_for(request, job_id)
    context = {"job": state, "job_id": job.id, "commune": commune}
    if request.headers.get("HX-Request"):
        return render(request, "registry/io/_job_status.html", context)
    return render(request, "registry/io/job.html", context)


@login_required
@require_POST
def import_commit(request: HttpRequest, job_id: str) -> HttpResponse:
    job, state, commune = _job_for(request, job_id)
    if state.get("status") != "done" or state.get("stage") != "checked":
        return redirect("registry:import_job", job_id=job.id)
    mode = request.POST.get("mode", state["mode"])
    if mode in MODES:
        job.save(mode=mode)
    _start(job, user=request.user, commune=commune, dry_run=False)
    return redirect("registry:import_job", job_id=job.id)


@login_required
def import_errors(request: HttpRequest, job_id: str) -> HttpResponse:
    job, state, _commune = _job_for(request, job_id)
    if not job.errors_path.exists():
        raise Http404
    stem = Path(state.get("file_name", "tep")).stem
    return _xlsx(job.errors_path.read_bytes(), f"{stem}-can-sua.xlsx")


@login_required
@in_record_language
def template(request: HttpRequest) -> HttpResponse:
    if not has_capability(request.user, Cap.REGISTRY_VIEW) and not has_capability(
        request.user, Cap.REGISTRY_CREATE
    ):
        raise Http404
    return _xlsx(exporting.template_workbook(), "mau-nhap-danh-sach-tre-em.xlsx")


# --------------------------------------------------------------------------- exports


def _view_area(request: HttpRequest) -> Area:
    area = current_area(request)
    if area is None or not (
        has_capability(request.user, Cap.REGISTRY_VIEW, area)
        or selectors._sees_part_of(request.user, area)
    ):
        raise Http404
    return area


def _filtered(request: HttpRequest, area: Area) -> Any:
    """The children of the list page's filters (the export writes what the page shows)."""
    from treem.registry.views import filtered_children

    return filtered_children(request, area)[1]


def _too_many(request: HttpRequest, querysets: list[Any], back: str) -> HttpResponse | None:
    """A redirect back with a message when the querysets together have more rows than
    one export writes (each counted no further than that)."""
    left = exporting.EXPORT_MAX_ROWS
    for qs in querysets:
        left -= qs.order_by()[: left + 1].count()
        if left < 0:
            break
    if left >= 0:
        return None
    messages.error(
        request,
        _(
            "Danh sách có hơn %(max)s trẻ, quá nhiều để xuất một lần. Hãy chọn một xã, phường "
            "(hoặc lọc thêm) rồi xuất lại."
        )
        % {"max": f"{exporting.EXPORT_MAX_ROWS:,}".replace(",", ".")},
    )
    query = request.GET.urlencode()
    return redirect(f"{back}?{query}" if query else back)


@login_required
@in_record_language
def export(request: HttpRequest) -> HttpResponse:
    area = _view_area(request)
    qs = _filtered(request, area)
    refused = _too_many(request, [qs], reverse("registry:child_list"))
    if refused is not None:
        return refused
    title = _("DANH SÁCH TRẺ EM – %(area)s") % {"area": area.full_name.upper()}
    data = exporting.child_list_workbook(qs, title=title)
    return _xlsx(data, f"danh-sach-tre-em-{area.key}-{dt.date.today():%Y%m%d}.xlsx")


@login_required
@in_record_language
def village_book(request: HttpRequest) -> HttpResponse:
    area = _view_area(request)
    commune = area.parent if area.level == AreaLevel.VILLAGE else area
    if commune is None or commune.level != AreaLevel.COMMUNE:
        raise Http404  # a province user first picks a commune
    qs = selectors.child_list(
        user=request.user,
        filters=selectors.ChildFilters(village=request.GET.get("village", "")),
    ).filter(area__path__startswith=area.path)
    year = dt.date.today().year
    data = exporting.village_book_workbook(qs, commune=commune, year=year)
    return _xlsx(data, f"so-theo-doi-tre-em-{area.key}-{year}.xlsx")


@login_required
@in_record_language
def quality_export(request: HttpRequest) -> HttpResponse:
    area = _view_area(request)
    labels = selectors.QUALITY_LABELS
    problem = request.GET.get("problem", "")
    keys = [problem] if problem else list(labels)
    if problem and problem not in labels:
        raise Http404
    from treem.registry.views import quality_place

    place = quality_place(request)

    lists = {
        key: selectors.data_quality_list(user=request.user, problem=key, area=area, **place)
        for key in keys
    }
    refused = _too_many(request, list(lists.values()), reverse("registry:data_quality"))
    if refused is not None:
        return refused

    def rows() -> Any:
        for key, qs in lists.items():
            for child in qs.iterator(chunk_size=2000):
                yield key, str(labels[key]), child

    title = _("DANH SÁCH TRẺ EM CẦN RÀ SOÁT – %(area)s") % {"area": area.full_name.upper()}
    data = exporting.quality_workbook(rows(), title=title)
    return _xlsx(data, f"ra-soat-du-lieu-tre-em-{area.key}-{dt.date.today():%Y%m%d}.xlsx")
