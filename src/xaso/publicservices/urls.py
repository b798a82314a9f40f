"""URLs of public services, mounted at /dich-vu-cong/: the catalogue (public) and, under
/dich-vu-cong/ho-so/ and /dich-vu-cong/chi-so/, dossiers and the index (officials)."""

from xaso.publicservices.urls_catalogue import urlpatterns as catalogue_urls
from xaso.publicservices.urls_dossiers import urlpatterns as dossier_urls

app_name = "publicservices"

urlpatterns = [*catalogue_urls, *dossier_urls]
