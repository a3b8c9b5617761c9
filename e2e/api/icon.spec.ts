/**
 * The app's icon where browsers look for it without being told: /favicon.ico (asked for on a first visit, a
 * bookmark, a tab opened before the page's head is read) leads to app/icon.svg, which every page names.
 */
import { expect, test } from "@playwright/test";
import { useInstance } from "../support/instance";

const instance = useInstance();

test("/favicon.ico is the app's icon: a permanent redirect to /icon.svg, an SVG", async () => {
  const direct = await fetch(instance.url("/favicon.ico"), { redirect: "manual" });
  expect(direct.status).toBe(308);
  expect(new URL(direct.headers.get("location") ?? "", instance.url("/")).pathname).toBe("/icon.svg");

  const followed = await fetch(instance.url("/favicon.ico"));
  expect(followed.status).toBe(200);
  expect(followed.headers.get("content-type")).toMatch(/^image\/svg\+xml/);
  expect(await followed.text()).toMatch(/^<svg /);

  // The page names the same icon.
  const page = await (await fetch(instance.url("/login"))).text();
  expect(page).toMatch(/<link rel="icon" href="\/icon\.svg/);
});
