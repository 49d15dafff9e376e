from django.shortcuts import render

from search.selectors import global_search
from staff.access import staff_required


@staff_required
def search_results(request):
    """The top bar's search box: tasks, relations and contacts matching ?q=, grouped."""
    results = global_search(query=request.GET.get("q"))
    return render(request, "search/results.html", {"results": results, "search_query": results.query})
