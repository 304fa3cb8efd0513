/** Items per page in each App Home section: keeps the view far below 100 blocks however much exists. */
export const HOME_PAGE_SIZE = {
  mine: 5,
  awaiting: 5,
  grants: 5,
  decisions: 5,
  rules: 6,
  keys: 5,
  identities: 5,
} as const;

export type HomeSection = keyof typeof HOME_PAGE_SIZE;
export type HomePages = Partial<Record<HomeSection, number>>;
