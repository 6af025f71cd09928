// Which command starts booster-lsp. Pure (no `vscode` import), so the Node tests run it.
//
// Order: the `booster.path` setting; else the first workspace folder's .venv / venv that has
// booster-lsp installed, run as `<interpreter> -m booster_lsp.lsp`; else `booster-lsp` on PATH.
// (`python -m booster_lsp` is the `booster` CLI, not the server.)
import * as path from "path";

export type ServerSource = "setting" | "venv" | "path";

export interface ServerCommand {
  command: string;
  args: string[];
  source: ServerSource;
}

export interface Probe {
  exists(file: string): boolean;
  platform: NodeJS.Platform;
}

export const SERVER_MODULE = "booster_lsp.lsp";
export const VENV_NAMES = [".venv", "venv"];

export function resolveServerCommand(
  configured: string[] | string | undefined,
  workspaceFolders: string[],
  probe: Probe,
  trustedWorkspace = true,
): ServerCommand {
  const fromSetting = typeof configured === "string" ? [configured] : (configured ?? []);
  const parts = fromSetting.filter((part) => part.trim() !== "");
  if (parts.length > 0) {
    return { command: parts[0], args: parts.slice(1), source: "setting" };
  }
  // A workspace's own interpreter is code from the workspace: only run it when trusted.
  if (trustedWorkspace) {
    const windows = probe.platform === "win32";
    const join = windows ? path.win32.join : path.posix.join;
    for (const folder of workspaceFolders) {
      for (const venv of VENV_NAMES) {
        const interpreter = windows ? join(folder, venv, "Scripts", "python.exe") : join(folder, venv, "bin", "python");
        const script = windows ? join(folder, venv, "Scripts", "booster-lsp.exe") : join(folder, venv, "bin", "booster-lsp");
        // The console script marks a venv where booster-lsp is installed.
        if (probe.exists(interpreter) && probe.exists(script)) {
          return { command: interpreter, args: ["-m", SERVER_MODULE], source: "venv" };
        }
      }
    }
  }
  return { command: "booster-lsp", args: [], source: "path" };
}
