/**
 * The codicons the viewer draws, generated at build time from @vscode/codicons' SVG sources by
 * scripts/codicons.js (an esbuild plugin): each icon becomes inline SVG path data in the webview
 * bundle, so no font or stylesheet is fetched. `IconName` is the single list of icons built in:
 * the plugin reads it from this file, and the build fails if an icon does not exist.
 */
declare module 'codicons:viewer' {
  export type IconName =
    | 'copy'
    | 'check-all'
    | 'folder-opened'
    | 'go-to-file'
    | 'key'
    | 'pass'
    | 'error'
    | 'circle-slash'
    | 'verified'
    | 'warning'
    | 'lock'
    | 'unlock';
  export interface IconPath {
    d: string;
    evenOdd: boolean;
  }
  export const ICONS: Record<IconName, IconPath[]>;
}
