// The REST dialects mount themselves on the app when imported.
export {};
