// Does nothing, slowly.
setInterval(() => {}, 1000);
