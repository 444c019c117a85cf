// Burns about one core with no network at all: a busy legitimate job.
function burn() {
  const until = Date.now() + 95;
  let x = 0;
  while (Date.now() < until) x += Math.sqrt(x + 1);
  setTimeout(burn, 5);
}
burn();
