from django.urls import path

from archive import views as archive_views
from archive.downloads import FORMATS

app_name = "archive"

urlpatterns = [
    path("transcripts/", archive_views.transcript_list, name="transcripts"),
    path("transcripts/index.json", archive_views.transcript_index, name="transcript_index"),
    path("transcripts/<slug:slug>/", archive_views.transcript_detail, name="transcript"),
    *(
        path(
            f"transcripts/<slug:slug>.{download.extension}",
            archive_views.transcript_download,
            {"format_name": download.name},
            name=f"transcript_{download.name}",
        )
        for download in FORMATS.values()
    ),
]
