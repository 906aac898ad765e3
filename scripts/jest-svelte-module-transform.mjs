// Jest transform for Svelte 5 rune modules (`*.svelte.ts`): strips the types with TypeScript, then compiles the
// runes with Svelte's own compileModule (client output), so the shared state classes run under Jest as in a browser.
import { compileModule } from 'svelte/compiler';
import ts from 'typescript';

export default {
  process(source, path) {
    const stripped = ts.transpileModule(source, {
      fileName: path,
      compilerOptions: {
        target: ts.ScriptTarget.ES2022,
        module: ts.ModuleKind.ESNext,
        verbatimModuleSyntax: false,
        sourceMap: false,
      },
    }).outputText;
    const compiled = compileModule(stripped, { filename: path, generate: 'client', dev: false });
    return { code: compiled.js.code, map: compiled.js.map };
  },
};
