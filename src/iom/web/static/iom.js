import { initAll } from "./govuk/govuk-frontend.min.js";
import { initAll as initMojFrontend } from "./govuk/moj-frontend.min.js";
initAll();
initMojFrontend();
