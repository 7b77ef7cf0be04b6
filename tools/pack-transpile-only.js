// Preloaded (`node --require`) into a policy pack process the offline plan or a test starts
// (tools/analyzer.ts): Pulumi's run-policy-pack registers ts-node with `typeCheck: true`, which
// type-checks the whole pack in every process. The plan type-checks the pack once per change
// (tools/plan/typecheck.ts) and `npm test` type-checks the project, so here ts-node only
// transpiles. The runner resolves ts-node from the pack directory (its cwd), as this does, so both
// see the same module and its `register`.
"use strict";
const tsNode = require(require.resolve("ts-node", { paths: [process.cwd()] }));
const register = tsNode.register;
tsNode.register = (options) => register({ ...options, typeCheck: false, transpileOnly: true });
