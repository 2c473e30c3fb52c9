// Progressive enhancement for an import's page: while the import is waiting or running, look
// again every two seconds so the progress and the final report appear by themselves. Without
// JavaScript the page's Refresh button does the same.
const marker = document.querySelector("[data-import-in-progress]");
if (marker) {
  window.setTimeout(() => window.location.reload(), 2000);
}
