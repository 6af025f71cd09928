// The extension's pure parts: which command starts the server, which settings it sends.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";

const require = createRequire(import.meta.url);
const { resolveServerCommand } = require("./.build/serverCommand.cjs");
const { serverSettings, CLIENT_ONLY } = require("./.build/settings.cjs");
const packageJson = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf-8"));
const KEYS = Object.keys(packageJson.contributes.configuration.properties);

const probe = (files, platform = "linux") => ({ exists: (file) => files.includes(file), platform });

test("booster.path wins", () => {
  assert.deepEqual(resolveServerCommand(["/opt/b/python", "-m", "booster_lsp.lsp"], ["/w"], probe([])), {
    command: "/opt/b/python",
    args: ["-m", "booster_lsp.lsp"],
    source: "setting",
  });
  assert.deepEqual(resolveServerCommand("/opt/b/booster-lsp", [], probe([])).command, "/opt/b/booster-lsp");
});

test("the workspace venv runs -m booster_lsp.lsp when booster-lsp is installed there", () => {
  const files = ["/w/venv/bin/python", "/w/venv/bin/booster-lsp", "/w/.venv/bin/python"];
  assert.deepEqual(resolveServerCommand([], ["/w"], probe(files)), {
    command: "/w/venv/bin/python",
    args: ["-m", "booster_lsp.lsp"],
    source: "venv",
  });
  const windows = ["C:\\w\\.venv\\Scripts\\python.exe", "C:\\w\\.venv\\Scripts\\booster-lsp.exe"];
  assert.equal(resolveServerCommand(undefined, ["C:\\w"], probe(windows, "win32")).command, windows[0]);
});

test("PATH otherwise, and always in an untrusted workspace", () => {
  const files = ["/w/.venv/bin/python", "/w/.venv/bin/booster-lsp"];
  assert.deepEqual(resolveServerCommand([], ["/w"], probe(["/w/.venv/bin/python"])), { command: "booster-lsp", args: [], source: "path" });
  assert.equal(resolveServerCommand([], ["/w"], probe(files), false).source, "path");
});

test("only explicitly set settings are sent, nested, without the client's own", () => {
  const set = {
    lineWidth: { globalValue: 100 },
    "python.quoteStyle": { globalValue: "double", workspaceValue: "single" },
    "lint.select": { workspaceFolderValue: null },
    path: { globalValue: ["/x/booster-lsp"] },
    "trace.server": { globalValue: "verbose" },
    enabled: { defaultValue: true },
  };
  assert.deepEqual(serverSettings(KEYS, (key) => set[key]), {
    lineWidth: 100,
    python: { quoteStyle: "single" },
    lint: { select: null },
  });
  assert.deepEqual([...CLIENT_ONLY].sort(), ["booster.path", "booster.trace.server"]);
  for (const key of CLIENT_ONLY) assert.ok(KEYS.includes(key), key);
});
