/**
 * node-pty as the cdktf CLI installs it (package.json aliases @cdktf/node-pty-prebuilt-multiarch
 * to @homebridge/node-pty-prebuilt-multiarch): its typings declare the homebridge name.
 * / <reference path="../../node_modules/@cdktf/node-pty-prebuilt-multiarch/typings/node-pty.d.ts" />
 */
declare module "@cdktf/node-pty-prebuilt-multiarch" {
  export * from "@homebridge/node-pty-prebuilt-multiarch";
}
