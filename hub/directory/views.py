from django.shortcuts import get_object_or_404, render

from hub.directory.models import Organisation


def organisation_list(request):
    return render(
        request, "directory/list.html", {"organisations": Organisation.objects.all()[:20]}
    )


def organisation_detail(request, slug):
    organisation = get_object_or_404(Organisation, slug=slug)
    return render(request, "directory/detail.html", {"organisation": organisation})
