// A thin client: start booster-lsp, forward settings, add commands and a status bar item.
// Everything else (formatting, code actions, rename, diagnostics) is the server's.
import * as fs from "fs";
import * as vscode from "vscode";
import {
  DidChangeConfigurationNotification,
  ExecuteCommandRequest,
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  State,
  TransportKind,
} from "vscode-languageclient/node";
import { resolveServerCommand } from "./serverCommand";
import { SECTION, serverSettings } from "./settings";
import { Status } from "./status";

export const LANGUAGES = [
  "python",
  "javascript",
  "javascriptreact",
  "typescript",
  "typescriptreact",
  "go",
  "rust",
  "json",
  "jsonc",
  "markdown",
  "toml",
];

// The server's own commands (booster.stats, booster.clearCache, ...) are registered by
// vscode-languageclient under their names, so the extension's commands use `booster.client.*`.
const COMMANDS = {
  showStatistics: "booster.client.showStatistics",
  clearCache: "booster.client.clearCache",
  restartServer: "booster.client.restartServer",
  showOutput: "booster.client.showOutput",
};

let client: LanguageClient | undefined;
let output: vscode.LogOutputChannel;
let status: Status;
let settingKeys: string[] = [];

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel("Booster", { log: true });
  status = new Status(COMMANDS.showOutput);
  settingKeys = Object.keys(context.extension.packageJSON.contributes.configuration.properties);
  context.subscriptions.push(
    output,
    status,
    vscode.commands.registerCommand(COMMANDS.showStatistics, showStatistics),
    vscode.commands.registerCommand(COMMANDS.clearCache, clearCache),
    vscode.commands.registerCommand(COMMANDS.restartServer, restart),
    vscode.commands.registerCommand(COMMANDS.showOutput, () => output.show()),
    vscode.workspace.onDidChangeConfiguration(onConfigurationChanged),
    vscode.workspace.onDidGrantWorkspaceTrust(restart),
    { dispose: () => void client?.stop() },
  );
  await start();
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}

function collectSettings(scope?: vscode.Uri): Record<string, unknown> {
  const configuration = vscode.workspace.getConfiguration(SECTION, scope);
  return serverSettings(settingKeys, (key) => configuration.inspect(key));
}

async function start(): Promise<void> {
  const folders = (vscode.workspace.workspaceFolders ?? []).map((folder) => folder.uri.fsPath);
  const configured = vscode.workspace.getConfiguration(SECTION).get<string[] | string>("path");
  const server = resolveServerCommand(
    configured,
    folders,
    { exists: (file) => fs.existsSync(file), platform: process.platform },
    vscode.workspace.isTrusted,
  );
  output.info(`starting ${[server.command, ...server.args].join(" ")} (from ${server.source})`);
  const serverOptions: ServerOptions = {
    command: server.command,
    args: server.args,
    transport: TransportKind.stdio,
    options: { cwd: folders[0] },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: LANGUAGES.flatMap((language) => [
      { scheme: "file", language },
      { scheme: "untitled", language },
    ]),
    outputChannel: output,
    initializationOptions: () => ({ [SECTION]: collectSettings() }),
    middleware: {
      workspace: {
        // The server pulls `booster`; answer with the settings the user set (not every default).
        configuration: async (params, token, next) => {
          const answers = await next(params, token);
          if (!Array.isArray(answers)) return answers;
          return params.items.map((item, index) =>
            item.section === SECTION
              ? collectSettings(item.scopeUri ? vscode.Uri.parse(item.scopeUri) : undefined)
              : answers[index],
          );
        },
      },
      provideDocumentFormattingEdits: (document, options, token, next) =>
        status.track(next(document, options, token)),
      provideDocumentRangeFormattingEdits: (document, range, options, token, next) =>
        status.track(next(document, range, options, token)),
      provideCodeActions: (document, range, context, token, next) =>
        status.track(next(document, range, context, token)),
      resolveCodeAction: (item, token, next) => status.track(next(item, token)),
      prepareRename: (document, position, token, next) => status.track(next(document, position, token)),
      provideRenameEdits: (document, position, newName, token, next) =>
        status.track(next(document, position, newName, token)),
      executeCommand: (command, args, next) => status.track(next(command, args)),
    },
  };
  client = new LanguageClient("booster", "Booster", serverOptions, clientOptions);
  client.onDidChangeState((event) => {
    status.setState(event.newState === State.Running ? "ready" : event.newState === State.Starting ? "starting" : "stopped");
  });
  status.setLlm(vscode.workspace.getConfiguration(SECTION).get<boolean>("fallbackToLlm", true));
  try {
    await client.start();
  } catch (error) {
    status.setState("stopped");
    output.error(`booster-lsp did not start: ${String(error)}`);
    void vscode.window
      .showErrorMessage(
        `Booster: cannot start ${server.command} (set booster.path, or install booster-lsp in the workspace's .venv).`,
        "Show output",
      )
      .then((choice) => choice && output.show());
  }
}

async function restart(): Promise<void> {
  const previous = client;
  client = undefined;
  if (previous) {
    try {
      await previous.stop();
    } catch (error) {
      output.warn(`stopping the server: ${String(error)}`);
    }
  }
  await start();
}

async function onConfigurationChanged(event: vscode.ConfigurationChangeEvent): Promise<void> {
  if (!event.affectsConfiguration(SECTION)) return;
  status.setLlm(vscode.workspace.getConfiguration(SECTION).get<boolean>("fallbackToLlm", true));
  if (event.affectsConfiguration(`${SECTION}.path`)) {
    await restart();
  } else if (client?.isRunning()) {
    // null settings: the server asks for the `booster` section (workspace/configuration).
    await client.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
  }
}

async function runServerCommand(command: string): Promise<unknown> {
  if (!client?.isRunning()) {
    void vscode.window.showWarningMessage("Booster: the server is not running.");
    return undefined;
  }
  return status.track(client.sendRequest(ExecuteCommandRequest.type, { command, arguments: [] }));
}

async function showStatistics(): Promise<void> {
  const stats = await runServerCommand("booster.stats");
  if (stats === undefined) return;
  const document = await vscode.workspace.openTextDocument({
    language: "json",
    content: JSON.stringify(stats, null, 2),
  });
  await vscode.window.showTextDocument(document, { preview: true });
}

async function clearCache(): Promise<void> {
  if (!client?.isRunning()) {
    void vscode.window.showWarningMessage("Booster: the server is not running.");
    return;
  }
  await runServerCommand("booster.clearCache");
  void vscode.window.showInformationMessage("Booster: cache cleared.");
}
