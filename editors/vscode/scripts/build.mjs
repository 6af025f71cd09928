// Bundles the extension with esbuild: dist/extension.js (vscode-languageclient inside, `vscode`
// external). With --test, also the pure modules the Node tests import (test/.build/, not shipped).
import { build } from "esbuild";

const testBuild = process.argv.includes("--test");
const common = { bundle: true, platform: "node", target: "node18", format: "cjs", logLevel: "warning" };

if (testBuild) {
  await build({
    ...common,
    entryPoints: ["src/serverCommand.ts", "src/settings.ts"],
    outdir: "test/.build",
    outExtension: { ".js": ".cjs" },
  });
} else {
  await build({
    ...common,
    entryPoints: ["src/extension.ts"],
    outfile: "dist/extension.js",
    external: ["vscode"],
    minify: true,
    sourcemap: false,
  });
}
