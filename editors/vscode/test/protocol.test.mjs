// booster-lsp driven through vscode-jsonrpc / vscode-languageserver-protocol, the protocol stack
// VS Code itself uses (vscode-languageclient is built on them): initialize, formatting, a lint
// quick fix, rename, a server command, settings the way the extension sends them.
//
// Server: BOOSTER_LSP (a path) or <repo>/.venv/bin/booster-lsp.   Run: npm test
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, realpathSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from "vscode-jsonrpc/node.js";
import {
  ApplyWorkspaceEditRequest,
  CodeActionRequest,
  CodeActionResolveRequest,
  ConfigurationRequest,
  DidOpenTextDocumentNotification,
  DocumentDiagnosticRequest,
  DocumentFormattingRequest,
  ExecuteCommandRequest,
  ExitNotification,
  InitializedNotification,
  InitializeRequest,
  PrepareRenameRequest,
  RegistrationRequest,
  RenameRequest,
  ShutdownRequest,
  WorkDoneProgressCreateRequest,
} from "vscode-languageserver-protocol";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const EXTENSION = path.resolve(HERE, "..");
const ROOT = path.resolve(EXTENSION, "..", "..");
const SERVER = process.env.BOOSTER_LSP ?? path.join(ROOT, ".venv", "bin", "booster-lsp");
// What the extension sends: only the settings the user set, nested camelCase under `booster`.
const SETTINGS = { python: { quoteStyle: "single" } };

/** Apply LSP TextEdits (UTF-16 positions, like JS strings) to a text. */
export function applyEdits(text, edits) {
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === "\n") lineStarts.push(i + 1);
  const offset = (position) => Math.min(lineStarts[position.line] ?? text.length, text.length) + position.character;
  const sorted = edits
    .map((edit) => ({ start: offset(edit.range.start), end: offset(edit.range.end), newText: edit.newText }))
    .sort((a, b) => b.start - a.start || b.end - a.end);
  for (const edit of sorted) text = text.slice(0, edit.start) + edit.newText + text.slice(edit.end);
  return text;
}

/** The edits of one document in a WorkspaceEdit (documentChanges or changes). */
function editsFor(workspaceEdit, uri) {
  if (workspaceEdit.documentChanges) {
    return workspaceEdit.documentChanges.filter((change) => change.textDocument?.uri === uri).flatMap((change) => change.edits);
  }
  return workspaceEdit.changes?.[uri] ?? [];
}

/** VS Code 1.82's relevant client capabilities (vscode-languageclient 9). */
const CAPABILITIES = {
  general: { positionEncodings: ["utf-16"] },
  workspace: {
    applyEdit: true,
    configuration: true,
    didChangeConfiguration: { dynamicRegistration: true },
    workspaceEdit: { documentChanges: true, resourceOperations: ["create", "rename", "delete"] },
    executeCommand: { dynamicRegistration: true },
  },
  window: { workDoneProgress: true, showMessage: {} },
  textDocument: {
    synchronization: { dynamicRegistration: true, didSave: true, willSave: true, willSaveWaitUntil: true },
    formatting: { dynamicRegistration: true },
    rangeFormatting: { dynamicRegistration: true },
    diagnostic: { dynamicRegistration: true, relatedDocumentSupport: false },
    publishDiagnostics: { relatedInformation: true, versionSupport: false, codeDescriptionSupport: true, dataSupport: true },
    codeAction: {
      dynamicRegistration: true,
      isPreferredSupport: true,
      disabledSupport: true,
      dataSupport: true,
      resolveSupport: { properties: ["edit"] },
      codeActionLiteralSupport: {
        codeActionKind: {
          valueSet: ["", "quickfix", "refactor", "refactor.extract", "refactor.inline", "refactor.rewrite", "source", "source.organizeImports"],
        },
      },
      honorsChangeAnnotations: false,
    },
    rename: { dynamicRegistration: true, prepareSupport: true, prepareSupportDefaultBehavior: 1, honorsChangeAnnotations: true },
  },
};

describe("booster-lsp over vscode-jsonrpc", () => {
  let server;
  let connection;
  let initializeResult;
  let workspace;
  let stderr = "";
  const configurationRequests = [];
  let version = 0;

  function open(name, languageId, text) {
    const uri = pathToFileURL(path.join(workspace, name)).href;
    connection.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri, languageId, version: ++version, text },
    });
    return uri;
  }

  before(async () => {
    workspace = realpathSync(mkdtempSync(path.join(tmpdir(), "booster-vscode-")));
    server = spawn(SERVER, ["--log-level", "info"], { cwd: ROOT, stdio: ["pipe", "pipe", "pipe"] });
    server.stderr.on("data", (chunk) => (stderr += chunk));
    connection = createMessageConnection(new StreamMessageReader(server.stdout), new StreamMessageWriter(server.stdin));
    connection.onRequest(ConfigurationRequest.type, (params) => {
      configurationRequests.push(params);
      return params.items.map((item) => (item.section === "booster" ? SETTINGS : null));
    });
    connection.onRequest(WorkDoneProgressCreateRequest.type, () => null);
    connection.onRequest(RegistrationRequest.type, () => null);
    connection.onRequest(ApplyWorkspaceEditRequest.type, () => ({ applied: true }));
    connection.onNotification(() => {}); // logMessage, progress, publishDiagnostics
    connection.listen();
    initializeResult = await connection.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      clientInfo: { name: "Visual Studio Code", version: "1.82.0" },
      rootUri: pathToFileURL(workspace).href,
      workspaceFolders: [{ uri: pathToFileURL(workspace).href, name: "workspace" }],
      capabilities: CAPABILITIES,
      initializationOptions: { booster: SETTINGS },
    });
    await connection.sendNotification(InitializedNotification.type, {});
  });

  after(async () => {
    try {
      await connection.sendRequest(ShutdownRequest.type);
      await connection.sendNotification(ExitNotification.type);
    } finally {
      const exited = new Promise((resolve) => server.once("exit", resolve));
      const timer = setTimeout(() => server.kill(), 5000);
      await exited;
      clearTimeout(timer);
      connection.dispose();
      rmSync(workspace, { recursive: true, force: true });
    }
  });

  test("initialize: booster-lsp advertises what the extension relies on", () => {
    const capabilities = initializeResult.capabilities;
    assert.equal(initializeResult.serverInfo?.name, "booster-lsp");
    assert.equal(capabilities.positionEncoding ?? "utf-16", "utf-16");
    assert.ok(capabilities.documentFormattingProvider, "documentFormattingProvider");
    assert.ok(capabilities.documentRangeFormattingProvider, "documentRangeFormattingProvider");
    assert.deepEqual(
      [...(capabilities.executeCommandProvider?.commands ?? [])].filter((c) => ["booster.stats", "booster.clearCache"].includes(c)).sort(),
      ["booster.clearCache", "booster.stats"],
    );
    // lint quick fixes and refactorings
    const kinds = capabilities.codeActionProvider?.codeActionKinds ?? [];
    assert.ok(kinds.includes("quickfix"), `codeActionKinds ${JSON.stringify(kinds)} lack quickfix`);
    assert.ok(kinds.includes("source.fixAll.booster"), `codeActionKinds ${JSON.stringify(kinds)} lack source.fixAll.booster`);
    assert.deepEqual(capabilities.renameProvider, { prepareProvider: true });
  });

  test("the server asks for the booster section (workspace/configuration)", async () => {
    for (let i = 0; i < 50 && configurationRequests.length === 0; i++) await new Promise((r) => setTimeout(r, 100));
    assert.ok(configurationRequests.some((p) => p.items.some((item) => item.section === "booster")), "no workspace/configuration request for booster");
  });

  test("formatting: Python with the extension's settings (single quotes)", async () => {
    const text = "x = {  'a':37,'b':42,\n'c':927}\ny = \"hello\"\n";
    const uri = open("format_me.py", "python", text);
    const edits = await connection.sendRequest(DocumentFormattingRequest.type, {
      textDocument: { uri },
      options: { tabSize: 4, insertSpaces: true },
    });
    assert.equal(applyEdits(text, edits), "x = {'a': 37, 'b': 42, 'c': 927}\ny = 'hello'\n");
    // formatted text formats to no edits
    const formatted = open("formatted.py", "python", "x = 1\n");
    assert.deepEqual(
      await connection.sendRequest(DocumentFormattingRequest.type, { textDocument: { uri: formatted }, options: { tabSize: 4, insertSpaces: true } }),
      [],
    );
  });

  test("formatting: TypeScript (dprint)", async () => {
    const text = "const a = {b:1}\nfunction f( x:number ){return x}\n";
    const uri = open("format_me.ts", "typescript", text);
    const edits = await connection.sendRequest(DocumentFormattingRequest.type, {
      textDocument: { uri },
      options: { tabSize: 2, insertSpaces: true },
    });
    assert.equal(applyEdits(text, edits), "const a = { b: 1 };\nfunction f(x: number) {\n  return x;\n}\n");
  });

  test("code action: the quick fix of an unused import (Ruff F401)", async () => {
    const text = "import os\n\nx = 1\n";
    const uri = open("unused_import.py", "python", text);
    const report = await connection.sendRequest(DocumentDiagnosticRequest.type, { textDocument: { uri } });
    const diagnostic = (report.items ?? []).find((d) => d.code === "F401");
    assert.ok(diagnostic, `no F401 diagnostic in ${JSON.stringify(report)}`);
    const actions = await connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri },
      range: diagnostic.range,
      context: { diagnostics: [diagnostic], only: ["quickfix"], triggerKind: 1 },
    });
    const quickFixes = (actions ?? []).filter((action) => action.kind === "quickfix");
    assert.ok(quickFixes.length > 0, `no quickfix in ${JSON.stringify(actions)}`);
    let action = quickFixes.find((a) => a.diagnostics?.some((d) => d.code === "F401")) ?? quickFixes[0];
    if (!action.edit) action = await connection.sendRequest(CodeActionResolveRequest.type, action);
    assert.equal(applyEdits(text, editsFor(action.edit, uri)), "\nx = 1\n");
  });

  test("code action: source.fixAll.booster", async () => {
    const text = "import os\nimport sys\n\nprint(sys.argv)\n";
    const uri = open("fix_all.py", "python", text);
    const actions = await connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri },
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      context: { diagnostics: [], only: ["source.fixAll.booster"], triggerKind: 2 },
    });
    assert.ok(actions?.length, `no source.fixAll.booster action: ${JSON.stringify(actions)}`);
    let action = actions[0];
    if (!action.edit) action = await connection.sendRequest(CodeActionResolveRequest.type, action);
    assert.equal(applyEdits(text, editsFor(action.edit, uri)), "import sys\n\nprint(sys.argv)\n");
  });

  test("rename: a local variable (prepareRename + rename)", async () => {
    const text = "def area(width):\n    value = width * width\n    return value + value\n\n\nvalue = 3\n";
    const uri = open("rename_me.py", "python", text);
    const position = { line: 1, character: 6 }; // inside `value` of line 2
    const prepared = await connection.sendRequest(PrepareRenameRequest.type, { textDocument: { uri }, position });
    const range = prepared?.range ?? prepared;
    assert.deepEqual(range, { start: { line: 1, character: 4 }, end: { line: 1, character: 9 } });
    const edit = await connection.sendRequest(RenameRequest.type, { textDocument: { uri }, position, newName: "total" });
    assert.equal(
      applyEdits(text, editsFor(edit, uri)),
      "def area(width):\n    total = width * width\n    return total + total\n\n\nvalue = 3\n",
    );
  });

  test("executeCommand booster.stats returns the statistics", async () => {
    const stats = await connection.sendRequest(ExecuteCommandRequest.type, { command: "booster.stats", arguments: [] });
    assert.equal(typeof stats, "object");
    assert.ok(stats !== null);
    assert.doesNotThrow(() => JSON.stringify(stats));
    await connection.sendRequest(ExecuteCommandRequest.type, { command: "booster.clearCache", arguments: [] });
  });

  test("the server wrote nothing but LSP on stdout and is still running", () => {
    assert.equal(server.exitCode, null, stderr);
  });
});

test("package.json's settings match BoosterConfig (python -m booster_lsp.editor_schema --check)", () => {
  const python = process.env.BOOSTER_PYTHON ?? path.join(ROOT, ".venv", "bin", "python");
  const result = spawnSync(python, ["-m", "booster_lsp.editor_schema", "--check", path.join(EXTENSION, "package.json")], {
    cwd: ROOT,
    encoding: "utf-8",
  });
  assert.equal(result.status, 0, result.stderr);
});
