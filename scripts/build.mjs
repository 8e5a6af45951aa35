#!/usr/bin/env node
// `npm run build`: bundles the CLI (src/cli/main.ts) into dist/ with esbuild, in about a second. Each
// `await import()` of a command's module becomes its own chunk, so a command loads only its own code: the
// start-up rule of src/cli/main.ts holds in the bundle too. The busiest paths (a paste, a live diagnosis,
// plan and apply) are each bundled again as one file, which their command imports instead of the chunks. npm packages stay in node_modules, except the
// small ones on every start-up path (INLINE) and the Redis client, which is pre-bundled whole into
// dist/vendor/ (VENDOR): loading its ~100 CommonJS files one by one cost ~55 ms of CPU on every live
// command, one file costs ~30. Type checking is `npm run typecheck`'s job, not this one's.
// The new build is made beside dist/ and swapped in whole. `--if-stale` builds only when dist/ is missing
// or older than src/ (what `npm test` and `npm run demo` run first).
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { staleReason } from '../bin/build-state.js';

/** Packages bundled into dist/ rather than loaded from node_modules: each start-up loads commander. */
const INLINE = new Set(['commander']);

/**
 * Packages bundled, with everything they require, into one ES module each, dist/vendor/<name>.js, that the
 * main bundle imports instead of the package: its named exports are the package's own (read at build time).
 */
const VENDOR = ['ioredis'];

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const reason = staleReason(root);
if (process.argv.includes('--if-stale') && reason === null) process.exit(0);

const dist = join(root, 'dist');
const next = join(root, '.tmp', `dist-${process.pid}`);
const old = join(root, '.tmp', `dist-old-${process.pid}`);
const started = Date.now();
rmSync(next, { recursive: true, force: true });
// A bundled CommonJS package calls require() for node: built-ins; ESM has no require.
const banner = {
  js: "import { createRequire as $createRequire } from 'node:module';\nconst require = $createRequire(import.meta.url);",
};
/** What every bundle here shares: one ES module per output for Node 20, with the `require` shim. */
const COMMON = {
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  logLevel: 'warning',
  banner,
  // Measured: whitespace and syntax minified, a pasted dump starts ~6% sooner (the paste bundle 413 -> 330 KB,
  // ioredis 444 -> 272 KB); names stay, so a stack trace still reads, and the source maps beside the
  // bundles map it back to src/ under `node --enable-source-maps`.
  minifyWhitespace: true,
  minifySyntax: true,
  sourcemap: true,
};
const requireHere = createRequire(join(root, 'package.json'));
for (const name of VENDOR) {
  const names = Object.keys(requireHere(name)).filter((k) => k !== 'default' && /^[A-Za-z_$][\w$]*$/.test(k));
  await build({
    absWorkingDir: root,
    stdin: {
      contents: `import pkg from '${name}';\nexport default pkg;\nexport const { ${names.join(', ')} } = pkg;\n`,
      resolveDir: root,
      sourcefile: `vendor-${name}.js`,
    },
    outfile: join(next, 'vendor', `${name}.js`),
    ...COMMON,
  });
}
/** npm packages stay imports (node_modules at run time), except those inlined or vendored above. */
const packagesStayExternal = {
  name: 'packages-stay-external',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, ({ path }) => {
      const name = path.startsWith('@') ? path.split('/').slice(0, 2).join('/') : path.split('/')[0];
      if (VENDOR.includes(path)) return { path: `./vendor/${path}.js`, external: true };
      return INLINE.has(name) ? undefined : { external: true };
    });
  },
};

/** `import(from)` in the file matching `importer` loads the built file `to` beside it instead. */
function redirect(importer, from, to) {
  return {
    name: `redirect ${from} to ${to}`,
    setup(b) {
      b.onResolve({ filter: /^\.\.?\// }, (args) =>
        args.path === from && importer.test(args.importer) ? { path: to, external: true } : undefined,
      );
    },
  };
}

await build({
  absWorkingDir: root,
  // The paste worker thread is its own entry: src/bot/paste-runner.ts starts ./paste-worker.js beside it.
  // config-load.js (the registry reader, with YAML and zod) has a stable name for live.js to import.
  entryPoints: {
    main: 'src/cli/main.ts',
    'paste-worker': 'src/bot/paste-worker.ts',
    'config-load': 'src/config/load.ts',
    'break-glass': 'src/approvals/break-glass.ts',
  },
  outdir: next,
  ...COMMON,
  splitting: true,
  plugins: [
    packagesStayExternal,
    redirect(/[\\/]cli[\\/]diagnose-cmd\.ts$/, './diagnose.ts', './diagnose-file.js'),
    redirect(/[\\/]cli[\\/](diagnose-cmd|runbook)\.ts$/, './live.ts', './live.js'),
    redirect(/[\\/]cli[\\/]plan-cmd\.ts$/, './plan-run.ts', './plan-run.js'),
  ],
});
// The two diagnoses and plan/apply each load one file instead of the chunks code splitting makes of them
// (~24 for a paste, ~37 for a live target): each module costs the ESM loader about half a millisecond at
// start-up. `diagnose` of a paste loads diagnose-file.js, which loads live.js only for a live target;
// `diagnose <target>` and `runbook run` load live.js, `plan` and `apply` plan-run.js, with ioredis from
// dist/vendor/. What one of them imports only on some runs (the registry reader with YAML and zod, the
// break-glass record with BullMQ) stays a module of the split build: bundled in, its packages would load
// on every run.
await build({
  absWorkingDir: root,
  entryPoints: { 'diagnose-file': 'src/cli/diagnose.ts' },
  outdir: next,
  ...COMMON,
  plugins: [packagesStayExternal, redirect(/[\\/]cli[\\/]diagnose\.ts$/, './live.ts', './live.js')],
});
await build({
  absWorkingDir: root,
  entryPoints: { 'plan-run': 'src/cli/plan-run.ts' },
  outdir: next,
  ...COMMON,
  plugins: [
    packagesStayExternal,
    redirect(/[\\/]cli[\\/]plan-run\.ts$/, '../approvals/break-glass.ts', './break-glass.js'),
    redirect(/[\\/]config[\\/]registered\.ts$/, './load.ts', './config-load.js'),
  ],
});
await build({
  absWorkingDir: root,
  entryPoints: { live: 'src/cli/live.ts' },
  outdir: next,
  ...COMMON,
  // Bundled whole, the registry reader would make YAML and zod static imports of live.js: it stays the
  // separate module it is, loaded only when there is a registry.
  plugins: [
    packagesStayExternal,
    redirect(/[\\/]config[\\/]registered\.ts$/, './load.ts', './config-load.js'),
  ],
});
// Every output file got the `require` shim above; a file that never calls require loses it again, so a
// start-up does not run createRequire once per chunk it loads (the diagnose path loads about 24).
const USES_REQUIRE = /(?<![\w$.-])require\s*[(.]/;
for (const file of readdirSync(next, { recursive: true, encoding: 'utf8' })) {
  if (!file.endsWith('.js')) continue;
  const path = join(next, file);
  const text = readFileSync(path, 'utf8');
  const rest = text.startsWith(banner.js) ? text.slice(banner.js.length) : null;
  if (rest !== null && !USES_REQUIRE.test(rest)) writeFileSync(path, rest.replace(/^\n/, ''));
}
if (existsSync(dist)) renameSync(dist, old);
renameSync(next, dist);
rmSync(old, { recursive: true, force: true });
console.error(`redis-runbook: built dist/ in ${Date.now() - started} ms${reason ? ` (${reason})` : ''}`);
