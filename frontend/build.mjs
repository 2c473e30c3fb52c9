// Compiles the hub's Sass and copies govuk-frontend's JavaScript and assets into dist/,
// which Django serves as static files. Run with `npm run build`.
import { cpSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as sass from "sass";

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, "dist");
const govuk = join(here, "node_modules", "govuk-frontend", "dist", "govuk");

rmSync(dist, { recursive: true, force: true });
mkdirSync(join(dist, "css"), { recursive: true });
mkdirSync(join(dist, "js", "govuk"), { recursive: true });

const result = sass.compile(join(here, "src", "hub.scss"), {
  loadPaths: [join(here, "node_modules")],
  style: "compressed",
  quietDeps: true,
  silenceDeprecations: ["import", "global-builtin"],
});
if (result.css.includes("GDS Transport")) {
  throw new Error("The compiled CSS mentions GDS Transport: the hub must use its system font stack.");
}
writeFileSync(join(dist, "css", "hub.css"), result.css);

cpSync(join(govuk, "govuk-frontend.min.js"), join(dist, "js", "govuk", "govuk-frontend.min.js"));
cpSync(join(here, "src", "hub.mjs"), join(dist, "js", "hub.mjs"));
cpSync(join(here, "src", "favicon.svg"), join(dist, "favicon.svg"));
// Images used by the CSS (no fonts: the hub uses the system font stack).
cpSync(join(govuk, "assets", "images"), join(dist, "govuk", "assets", "images"), { recursive: true });
cpSync(join(govuk, "assets", "manifest.json"), join(dist, "govuk", "assets", "manifest.json"));
// axe-core for the browser tests (never linked from a page).
cpSync(join(here, "node_modules", "axe-core", "axe.min.js"), join(here, "axe.min.js"));
console.log("Front end built into frontend/dist/");
