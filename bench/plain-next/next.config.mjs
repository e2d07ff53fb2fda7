// Next looks for its configuration upwards from the app's directory: this empty one keeps the
// repository's own next.config.ts (headers, proxy settings) out of the baseline.
export default {};
