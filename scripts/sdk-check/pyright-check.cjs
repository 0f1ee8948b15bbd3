// Runs the pinned pyright CLI in this process on one pyrightconfig.json (JSON output on stdout) and,
// when it exits, prints the process's peak memory to stderr as `maxRssKb=N`: pyright's own output has
// no memory figure, and running it in-process is what makes this one the checker's. Run with an
// explicit --max-old-space-size.
const path = require('node:path');

const [pyrightDir, config] = process.argv.slice(2);
process.on('exit', () => {
  process.stderr.write(`\nmaxRssKb=${process.resourceUsage().maxRSS}\n`);
});
process.argv = [process.argv[0], path.join(pyrightDir, 'index.js'), '--project', config, '--outputjson'];
require(path.join(pyrightDir, 'index.js'));
