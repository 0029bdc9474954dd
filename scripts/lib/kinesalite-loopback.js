// Starts kinesalite on 127.0.0.1 only, on a port the system picks, and prints that port.
//
// kinesalite's own command (cli.js) listens on every interface and on a port it is given;
// the tests want loopback only and no race for a free port. Usage:
//   node kinesalite-loopback.js PACKAGE_DIR '{"createStreamMs": 0, ...}'
// The options are kinesalite's (index.js): createStreamMs, deleteStreamMs, updateStreamMs,
// shardLimit. The account and region come from AWS_ACCOUNT_ID and AWS_DEFAULT_REGION.
const kinesalite = require(process.argv[2]);
const options = JSON.parse(process.argv[3] || "{}");
const server = kinesalite(options).listen(0, "127.0.0.1", () => {
  console.log(server.address().port);
});
