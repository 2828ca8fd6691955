// esbuild bundles imported CSS into the one stylesheet next to the script.
declare module '*.css';
