/**
 * The version constraint reader of test/helpers/constraints.ts, which the module resolution
 * check (test/module-resolution.test.ts) relies on: Terraform's and the providers' dialects.
 */
import {
  compareVersions,
  formatSet,
  highestSatisfying,
  intersect,
  isEmpty,
  parseConstraints,
  satisfies,
} from "./helpers/constraints";

describe("version constraints (test/helpers/constraints.ts)", () => {
  const range = (c: string, dialect: "provider" | "terraform" = "provider") => formatSet(parseConstraints(c, dialect));

  it("reads ~> with three, two and one segments", () => {
    expect(range("~> 1.1.1")).toBe(">= 1.1.1, < 1.2.0");
    expect(range("~> 5.95")).toBe(">= 5.95.0, < 6.0.0");
    expect(range("~> 2.17")).toBe(">= 2.17.0, < 3.0.0");
    expect(range("~> 2")).toBe(">= 2.0.0, < 3.0.0"); // required_providers (go-versions)
    expect(range("~> 2", "terraform")).toBe(">= 2.0.0"); // required_version, module versions (go-version)
    expect(satisfies("5.100.0", "~> 5.95")).toBe(true);
    expect(satisfies("6.0.0", "~> 5.95")).toBe(false);
    expect(satisfies("5.94.9", "~> 5.95")).toBe(false);
    expect(satisfies("1.1.9", "~> 1.1.1")).toBe(true);
    expect(satisfies("1.2.0", "~> 1.1.1")).toBe(false);
  });

  it("reads =, no operator, >, >=, <, <= and padded versions", () => {
    expect(range("2.4.0")).toBe("= 2.4.0");
    expect(range("= 2.4")).toBe("= 2.4.0");
    expect(range("> 1.2")).toBe("> 1.2.0");
    expect(range(">= 2.10")).toBe(">= 2.10.0");
    expect(range("< 3")).toBe("< 3.0.0");
    expect(range("<= 3.0.1")).toBe("<= 3.0.1");
    expect(satisfies("2.10.0", ">= 2.9")).toBe(true);
    expect(satisfies("2.9.0", "> 2.9")).toBe(false);
    expect(satisfies("2.9.1", "> 2.9")).toBe(true);
  });

  it("joins comma-separated parts and constraint lists with AND", () => {
    expect(range(">= 2.9, < 3.0")).toBe(">= 2.9.0, < 3.0.0");
    expect(satisfies("2.17.0", ">= 2.9, < 3.0")).toBe(true);
    expect(satisfies("3.0.0", ">= 2.9, < 3.0")).toBe(false);
    expect(satisfies("2.17.0", ["~> 2.17", ">= 2.9, < 3.0", ">= 2.4.1"])).toBe(true);
    expect(
      formatSet(intersect(parseConstraints("~> 5.95"), parseConstraints(">= 5.0"), parseConstraints(">= 4.57"))),
    ).toBe(">= 5.95.0, < 6.0.0");
  });

  it("excludes with != and finds empty intersections", () => {
    expect(satisfies("2.17.0", "!= 2.17.0")).toBe(false);
    expect(satisfies("2.17.1", ">= 2.17, != 2.17.0")).toBe(true);
    expect(isEmpty(parseConstraints("= 2.4.0, != 2.4.0"))).toBe(true);
    expect(isEmpty(intersect(parseConstraints("~> 2.17"), parseConstraints(">= 3.0")))).toBe(true);
    expect(isEmpty(intersect(parseConstraints(">= 2.9, < 3.0"), parseConstraints("~> 2.17")))).toBe(false);
    // No release lies strictly between 1.0.0 and 1.0.1.
    expect(isEmpty(parseConstraints("> 1.0.0, < 1.0.1"))).toBe(true);
    expect(isEmpty(parseConstraints(">= 1.0.1, <= 1.0.1"))).toBe(false);
  });

  it("lets a pre-release match only a constraint that names it exactly", () => {
    expect(satisfies("3.0.0-beta1", ">= 2.0")).toBe(false);
    expect(satisfies("3.0.0-beta1", "= 3.0.0-beta1")).toBe(true);
    expect(satisfies("3.0.0-beta1", "3.0.0-beta1, >= 2.0")).toBe(true);
    expect(satisfies("3.0.0-beta1", "3.0.0-beta1, >= 3.0.0")).toBe(false);
    expect(isEmpty(parseConstraints("3.0.0-beta1, < 3.0.0-alpha"))).toBe(true);
    expect(compareVersions("1.0.0-rc.2", "1.0.0-rc.10")).toBe(-1);
    expect(compareVersions("1.0.0-rc1", "1.0.0")).toBe(-1);
  });

  it("picks the newest matching release, as init does for a module version", () => {
    const tags = ["1.0.0", "1.1.0", "1.1.1", "1.2.0-rc1", "2.0.0"];
    expect(highestSatisfying(tags, "~> 1.1.1", "terraform")).toBe("1.1.1");
    expect(highestSatisfying(tags, "~> 1.0", "terraform")).toBe("1.1.1");
    expect(highestSatisfying(tags, "~> 1", "terraform")).toBe("2.0.0");
    expect(highestSatisfying(tags, "1.3.0", "terraform")).toBeUndefined();
  });

  it("rejects what is not a constraint", () => {
    expect(() => parseConstraints("~> 1.2.3.4")).toThrow(/not a version/);
    expect(() => parseConstraints(">= 1.0,")).toThrow(/empty constraint part/);
    expect(() => parseConstraints("=> 1.0")).toThrow();
  });
});
