// The `booster` settings sent to the server. Pure (no `vscode` import), so the Node tests run it.
//
// Only values the user set are sent (user, workspace or folder level). Defaults stay out, so a
// project's settings/booster.yaml keeps its place in the precedence order (DESIGN §8):
// defaults < files < BOOSTER_* environment < editor settings.

export const SECTION = "booster";

/** Settings read by the extension itself; never sent to the server. */
export const CLIENT_ONLY = new Set([`${SECTION}.path`, `${SECTION}.trace.server`]);

export interface Inspected {
  globalValue?: unknown;
  workspaceValue?: unknown;
  workspaceFolderValue?: unknown;
}

/** The value in force among those set explicitly (folder > workspace > user), or undefined. */
export function explicitValue(inspected: Inspected | undefined): unknown {
  if (!inspected) return undefined;
  for (const value of [inspected.workspaceFolderValue, inspected.workspaceValue, inspected.globalValue]) {
    if (value !== undefined) return value;
  }
  return undefined;
}

/**
 * Nested camelCase settings for the server from the flat keys of package.json
 * (`booster.python.quoteStyle` -> `{python: {quoteStyle: ...}}`).
 * `inspect` receives the key without the `booster.` prefix.
 */
export function serverSettings(
  keys: Iterable<string>,
  inspect: (relativeKey: string) => Inspected | undefined,
): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const key of keys) {
    if (CLIENT_ONLY.has(key) || !key.startsWith(`${SECTION}.`)) continue;
    const relative = key.slice(SECTION.length + 1);
    const value = explicitValue(inspect(relative));
    if (value === undefined) continue;
    const parts = relative.split(".");
    let target = result;
    for (const part of parts.slice(0, -1)) {
      if (typeof target[part] !== "object" || target[part] === null) target[part] = {};
      target = target[part] as Record<string, unknown>;
    }
    target[parts[parts.length - 1]] = value;
  }
  return result;
}
