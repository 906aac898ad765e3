// A single-page app: nothing is rendered on a server or prerendered; the host serves the shell for every route.
export const ssr = false;
export const prerender = false;
