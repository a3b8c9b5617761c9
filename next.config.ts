import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // Native modules stay outside the bundle and load from node_modules.
  serverExternalPackages: ["better-sqlite3", "argon2", "@node-rs/bcrypt"],
  poweredByHeader: false,
  experimental: {
    serverActions: { bodySizeLimit: "64kb" },
  },
};

export default nextConfig;
