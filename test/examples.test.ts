/**
 * examples/efs-move-shared-files.yaml: the Job manifest, and its script run by sh on a
 * temporary directory laid out like the EFS root.
 */

import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseAllDocuments } from "yaml";

const ROOT = resolve(__dirname, "..");
const MANIFEST = join(ROOT, "examples", "efs-move-shared-files.yaml");

describe("examples/efs-move-shared-files.yaml", () => {
  const docs = parseAllDocuments(readFileSync(MANIFEST, "utf8"));
  const job = docs[0]?.toJS() as any;
  const container = job?.spec?.template?.spec?.containers?.[0];

  it(
    "is one valid YAML document: a Job in the jupyterhub namespace on the " + "blueprint's shared claim (the EFS root)",
    () => {
      expect(docs).toHaveLength(1);
      expect(docs[0].errors).toEqual([]);
      expect(job).toMatchObject({
        apiVersion: "batch/v1",
        kind: "Job",
        metadata: { name: "efs-move-shared-files", namespace: "jupyterhub" },
      });
      expect(job.spec.template.spec.restartPolicy).toBe("Never");
      expect(job.spec.template.spec.volumes).toEqual([
        { name: "efs", persistentVolumeClaim: { claimName: "efs-persist-shared" } },
      ]);
      expect(container.volumeMounts).toEqual([{ name: "efs", mountPath: "/efs" }]);
      expect(container.env).toEqual([
        { name: "EFS_ROOT", value: "/efs" },
        { name: "CHOWN_HOMES", value: "false" },
      ]);
      expect(container.command.slice(0, 2)).toEqual(["sh", "-c"]);
    },
  );

  /** Runs the Job's script on a directory standing for the EFS root, with a chown that records its calls. */
  function run(tree: Record<string, string>, env: Record<string, string> = {}) {
    const dir = mkdtempSync(join(tmpdir(), "efs-move-"));
    const efs = join(dir, "efs");
    for (const [path, content] of Object.entries(tree)) {
      mkdirSync(join(efs, path, ".."), { recursive: true });
      if (path.endsWith("/")) mkdirSync(join(efs, path), { recursive: true });
      else writeFileSync(join(efs, path), content);
    }
    mkdirSync(efs, { recursive: true });
    const bin = join(dir, "bin");
    mkdirSync(bin);
    writeFileSync(join(bin, "chown"), `#!/bin/sh\necho "$*" >> "${join(dir, "chown.log")}"\n`);
    chmodSync(join(bin, "chown"), 0o755);
    const script = container.command[2] as string;
    const result = spawnSync("sh", ["-c", script], {
      encoding: "utf8",
      env: { PATH: `${bin}:${process.env.PATH ?? ""}`, EFS_ROOT: efs, CHOWN_HOMES: "false", ...env },
    });
    const chown = existsSync(join(dir, "chown.log"))
      ? readFileSync(join(dir, "chown.log"), "utf8").trim().split("\n")
      : [];
    const list = (p: string) => (existsSync(join(efs, p)) ? readdirSync(join(efs, p)).sort() : []);
    return {
      ...result,
      chown,
      root: list("."),
      shared: list("shared"),
      efs,
      rerun: () =>
        spawnSync("sh", ["-c", script], {
          encoding: "utf8",
          env: { PATH: `${bin}:${process.env.PATH ?? ""}`, EFS_ROOT: efs, CHOWN_HOMES: "false" },
        }),
    };
  }

  it(
    "moves every entry of the root but home/ into shared/, dotfiles and directories " +
      "included, and hands shared/ to uid 1000",
    () => {
      const r = run({
        "home/alice/notes.txt": "mine",
        "report.csv": "a,b",
        ".hidden": "x",
        "data/part-1": "1",
        "with space.txt": "s",
      });
      expect(r.status, r.stderr).toBe(0);
      expect(r.root).toEqual(["home", "shared"]);
      expect(r.shared).toEqual([".hidden", "data", "report.csv", "with space.txt"]);
      expect(readFileSync(join(r.efs, "home/alice/notes.txt"), "utf8")).toBe("mine");
      expect(readFileSync(join(r.efs, "shared/data/part-1"), "utf8")).toBe("1");
      expect(r.chown).toEqual(["-R 1000:100 shared"]);
      expect(r.stdout).toContain("shared/ holds 4 entries");
      // A second run finds nothing to move and changes nothing.
      const again = r.rerun();
      expect(again.status, again.stderr).toBe(0);
      expect(readdirSync(r.efs).sort()).toEqual(["home", "shared"]);
    },
  );

  it(
    "overwrites nothing: an entry already in shared/ stays, the one at the root " + "too, and the Job fails naming it",
    () => {
      const r = run({ "shared/report.csv": "new", "report.csv": "old", "other.txt": "o" });
      expect(r.status).toBe(1);
      expect(r.stderr).toContain("Not moved: shared/ already holds an entry of the same name");
      expect(r.stderr).toContain("./report.csv");
      expect(readFileSync(join(r.efs, "shared/report.csv"), "utf8")).toBe("new");
      expect(readFileSync(join(r.efs, "report.csv"), "utf8")).toBe("old");
      expect(r.shared).toEqual(["other.txt", "report.csv"]);
      expect(r.chown).toEqual([]);
    },
  );

  it("gives home/ to the notebook user too when CHOWN_HOMES is true", () => {
    const r = run({ "home/bob/x": "x" }, { CHOWN_HOMES: "true" });
    expect(r.status, r.stderr).toBe(0);
    expect(r.chown).toEqual(["-R 1000:100 shared", "-R 1000:100 home"]);
  });
});
