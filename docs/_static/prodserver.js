// Long import paths in table cells may break after a dot, so that the tables fit
// the page. A <wbr> is only a line-break opportunity: copying the text leaves it
// out, so a path copied from a table is still the path.
document.addEventListener("DOMContentLoaded", () => {
  for (const code of document.querySelectorAll("table code.literal")) {
    const walker = document.createTreeWalker(code, NodeFilter.SHOW_TEXT);
    const texts = [];
    while (walker.nextNode()) texts.push(walker.currentNode);
    for (const text of texts) {
      const parts = text.data.split(/(?<=\.)(?=[A-Za-z_])/);
      if (parts.length < 2) continue;
      const fragment = document.createDocumentFragment();
      parts.forEach((part, index) => {
        if (index) fragment.append(document.createElement("wbr"));
        fragment.append(part);
      });
      text.replaceWith(fragment);
    }
  }
});
