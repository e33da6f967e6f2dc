from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path

from treem.api import api
from treem.core.urls import core_patterns

urlpatterns: list[URLPattern | URLResolver] = [
    path("", include("treem.core.urls")),
    path("he-thong/", include((core_patterns, "core"))),
    path("tre-em/", include("treem.registry.urls")),
    path("vu-viec/", include("treem.cases.urls")),
    path("ke-hoach/", include("treem.plans.urls")),
    path("bao-cao/", include("treem.reports.urls")),
    path("chuong-trinh/", include("treem.programs.urls")),
    path("quan-tri-django/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
]
# Uploaded files (evidence, imports) are personal data: they are never served from MEDIA_URL,
# only through views that check scope.
