from django.urls import URLPattern, path  # noqa: F401

from treem.registry.urls_io import urlpatterns as io_urlpatterns

app_name = "registry"
urlpatterns: list[URLPattern] = []
urlpatterns += io_urlpatterns
