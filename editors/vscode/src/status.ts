// The status bar item: ready / working / stopped, and whether the LLM fallback is on.
import * as vscode from "vscode";

export type ServerState = "starting" | "ready" | "stopped";

export class Status implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private state: ServerState = "starting";
  private busy = 0;
  private llm = false;

  constructor(showOutputCommand: string) {
    this.item = vscode.window.createStatusBarItem("booster.status", vscode.StatusBarAlignment.Right, 100);
    this.item.name = "Booster";
    this.item.command = showOutputCommand;
    this.render();
    this.item.show();
  }

  setState(state: ServerState): void {
    this.state = state;
    if (state !== "ready") this.busy = 0;
    this.render();
  }

  setLlm(enabled: boolean): void {
    this.llm = enabled;
    this.render();
  }

  /** Show "working" while a request is in flight. */
  track<T>(result: T | Thenable<T>): T | Thenable<T> {
    if (!isThenable(result)) return result;
    this.busy += 1;
    this.render();
    const done = () => {
      this.busy = Math.max(0, this.busy - 1);
      this.render();
    };
    return result.then(
      (value) => {
        done();
        return value;
      },
      (error: unknown) => {
        done();
        throw error;
      },
    );
  }

  private render(): void {
    const llm = this.llm ? "LLM on" : "LLM off";
    if (this.state === "stopped") {
      this.item.text = "$(circle-slash) Booster";
      this.item.tooltip = "booster-lsp is not running (click for the output)";
    } else if (this.state === "starting" || this.busy > 0) {
      this.item.text = `$(sync~spin) Booster · ${llm}`;
      this.item.tooltip = this.state === "starting" ? "booster-lsp is starting" : "booster-lsp is working";
    } else {
      this.item.text = `$(check) Booster · ${llm}`;
      this.item.tooltip = `booster-lsp is ready; LLM fallback ${this.llm ? "on" : "off"} (booster.fallbackToLlm)`;
    }
  }

  dispose(): void {
    this.item.dispose();
  }
}

function isThenable<T>(value: T | Thenable<T>): value is Thenable<T> {
  return typeof (value as Thenable<T> | undefined)?.then === "function";
}
