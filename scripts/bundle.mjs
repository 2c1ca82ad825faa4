/**
 * The package's build of the CLI: one ES module bundle (dist/bundle/eks-doctor.js, run by
 * bin/eks-doctor.js) with the code each path loads on demand split into chunks beside it: the
 * interactive UI (ink, React), the MCP server (its SDK), the mocks behind `demo`, the AWS and
 * Kubernetes collectors. Tree-shaken from the packages' ES module builds, so the AWS SDK clients
 * bring the commands eks-doctor sends, not every command they have. Source maps (without the
 * sources) keep stack traces pointing at src/; dist/bundle/metafile.json records which modules went
 * into which file, for the light-path proof (test/light-paths.test.ts).
 *
 * Runs after `tsc -p tsconfig.build.json` (npm run build): the rule for which files of diagnostics/
 * are checks comes from the compiled src/engine/diagnostic-modules.js, so it exists once.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { diagnosticFiles } from '../dist/src/engine/diagnostic-modules.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'dist', 'bundle');
const DIAGNOSTICS = 'eks-doctor:diagnostics';

/**
 * diagnostic-modules.ts finds the checks by listing diagnostics/ at run time, which a bundle cannot
 * do; here it becomes a dynamic import of a module that imports every check file (a chunk of its own).
 */
const diagnosticsCatalogue = {
  name: 'diagnostics-catalogue',
  setup(pluginBuild) {
    pluginBuild.onLoad({ filter: /[\\/]src[\\/]engine[\\/]diagnostic-modules\.ts$/ }, () => ({
      contents: `export async function importDiagnosticModules() { return (await import(${JSON.stringify(DIAGNOSTICS)})).modules; }\n`,
      loader: 'js',
    }));
    pluginBuild.onResolve({ filter: new RegExp(`^${DIAGNOSTICS}$`) }, () => ({ path: DIAGNOSTICS, namespace: 'eks-doctor' }));
    pluginBuild.onLoad({ filter: /.*/, namespace: 'eks-doctor' }, () => {
      const dir = join(root, 'diagnostics');
      const files = diagnosticFiles(dir, '.ts');
      return {
        contents: [
          ...files.map((f, i) => `import * as m${i} from ${JSON.stringify(`./${f}`)};`),
          `export const modules = [${files.map((f, i) => `{ file: ${JSON.stringify(f)}, module: m${i} }`).join(', ')}];`,
        ].join('\n'),
        resolveDir: dir,
        loader: 'js',
      };
    });
  },
};

/**
 * The mocks behind `demo`, `mock-server` and the MCP server's demo target are a bundle of their
 * own (dist/bundle/mock-cluster.js), which the CLI's bundle imports as it is. The mocks read the
 * AWS SDK's model of every operation (mocks/aws-mock/wire.ts: operationModels), and bundled
 * together they would make every EC2 command part of the SDK code that every live run loads.
 */
const MOCKS_ENTRY = 'mock-cluster';
const mocksApart = {
  name: 'mocks-apart',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /[\\/]mocks[\\/]mock-cluster\.js$/ }, (args) =>
      args.importer.includes(`${root}/mocks/`) ? undefined : { path: `./${MOCKS_ENTRY}.js`, external: true },
    );
  },
};

/**
 * The AWS SDK's schemas (schemas_0.js: a tuple per shape and operation) key their traits with
 * computed property names, `{ [_xN]: _arc }`, where `_xN` is a string constant of the same file.
 * The bundler cannot prove a computed key free of side effects, so it would keep every schema of a
 * client (EC2: about a megabyte) whether or not a command of ours reaches it. Writing the constant's
 * value in place of the computed key (`{ "xmlName": _arc }`) changes nothing at run time and lets
 * the unused schemas go.
 */
const sdkSchemasWithPlainKeys = {
  name: 'sdk-schemas-plain-keys',
  setup(pluginBuild) {
    pluginBuild.onLoad({ filter: /[\\/]@aws-sdk[\\/].*[\\/]dist-es[\\/](.*[\\/])?schemas[\\/]schemas_\d+\.js$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      const constants = new Map([...source.matchAll(/^const (\w+) = ("(?:[^"\\\n]|\\.)*");$/gm)].map((m) => [m[1], m[2]]));
      const contents = source.replace(/\[(\w+)\]:/g, (whole, name) => (constants.has(name) ? `${constants.get(name)}:` : whole));
      return { contents, loader: 'js' };
    });
  },
};

const common = {
  absWorkingDir: root,
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // The packages' ES module builds: what lets the bundler leave out the SDK commands never sent.
  mainFields: ['module', 'main'],
  chunkNames: '[name]-[hash]',
  sourcemap: 'linked',
  sourcesContent: false,
  metafile: true,
  legalComments: 'eof',
  logLevel: 'warning',
  // CommonJS packages inside an ES module bundle still call require() for Node's built-ins.
  banner: { js: "import { createRequire as __eksDoctorCreateRequire } from 'node:module'; const require = __eksDoctorCreateRequire(import.meta.url);" },
  // ink's React DevTools bridge loads only when DEV=true and is not a dependency of ink's.
  external: ['react-devtools-core'],
};

rmSync(outdir, { recursive: true, force: true });
const [cli, mocks] = await Promise.all([
  build({ ...common, entryPoints: { 'eks-doctor': 'src/cli/main.ts' }, plugins: [diagnosticsCatalogue, mocksApart, sdkSchemasWithPlainKeys] }),
  build({ ...common, entryPoints: { [MOCKS_ENTRY]: 'mocks/mock-cluster.ts' }, plugins: [diagnosticsCatalogue, sdkSchemasWithPlainKeys] }),
]);
// One metafile for both: their outputs are distinct files of the same folder.
const metafile = { inputs: { ...mocks.metafile.inputs, ...cli.metafile.inputs }, outputs: { ...mocks.metafile.outputs, ...cli.metafile.outputs } };
writeFileSync(join(outdir, 'metafile.json'), `${JSON.stringify(metafile)}\n`);
const bytes = Object.entries(metafile.outputs).filter(([file]) => file.endsWith('.js'));
console.log(`bundled ${relative(root, outdir)}: ${bytes.length} files, ${Math.round(bytes.reduce((sum, [, o]) => sum + o.bytes, 0) / 1024)} KiB`);
