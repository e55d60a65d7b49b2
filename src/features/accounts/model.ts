/** A demo account listed on the sign-in page (never in production). */
export interface DemoAccount {
  email: string;
  password: string;
  label: string;
}
