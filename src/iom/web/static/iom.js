import { initAll } from "./govuk/govuk-frontend.min.js";
import { initAll as initMojFrontend } from "./govuk/moj-frontend.min.js";
initAll();
initMojFrontend();

// A table wider than the page scrolls inside its box. Keyboard users must be able to reach that
// box to scroll it (WCAG 2.1.1), so a box that scrolls becomes a focusable region, named by the
// table's caption or else the heading above it.
function tableName(box) {
  const caption = box.querySelector("caption");
  if (caption) return caption.textContent.trim();
  for (let node = box; node; node = node.previousElementSibling || node.parentElement) {
    if (/^H[1-3]$/.test(node.tagName)) return node.textContent.trim();
  }
  return "Table";
}

function scrollableTables() {
  document.querySelectorAll(".iom-table-scroll").forEach((box) => {
    if (box.scrollWidth > box.clientWidth) {
      box.tabIndex = 0;
      box.setAttribute("role", "region");
      box.setAttribute("aria-label", tableName(box));
    } else {
      box.removeAttribute("tabindex");
      box.removeAttribute("role");
      box.removeAttribute("aria-label");
    }
  });
}
scrollableTables();
window.addEventListener("resize", scrollableTables);
