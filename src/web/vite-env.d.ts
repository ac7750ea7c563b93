/// <reference types="vite/client" />
// Vite's ambient types for the dashboard: CSS imports, import.meta.env.
