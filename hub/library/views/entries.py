from django.shortcuts import render
from django.urls import path

from hub.library import selectors


def entry_detail(request, slug: str):
    entry = selectors.get_entry_for_user(user=request.user, slug=slug)
    return render(request, "library/entry.html", {"entry": entry})


def library_home(request):
    return render(request, "library/home.html")


urlpatterns = [
    path("", library_home, name="home"),
    path("entries/<slug:slug>/", entry_detail, name="entry"),
]
